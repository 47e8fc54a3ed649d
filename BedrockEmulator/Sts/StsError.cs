using Switchyard.BedrockEmulator.Faults;

namespace Switchyard.BedrockEmulator.Sts;

/// <summary>An STS error: HTTP status, the <c>Code</c> the SDKs map to exception classes, and whose fault it is.</summary>
internal readonly record struct StsError(int StatusCode, string Code, string Message, bool SenderFault = true)
{
    public static StsError Validation(string message) => new(400, "ValidationError", message);

    public static StsError InvalidAction(string message) => new(400, "InvalidAction", message);

    /// <summary>STS's codes for the SigV4 failures the verifier reports (they differ from the JSON services' names).</summary>
    public static StsError FromAuth(in EmulatorError error) => error.Kind switch
    {
        ErrorKind.MissingAuthenticationToken => new(403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
        ErrorKind.IncompleteSignature => new(400, "IncompleteSignature", error.Message),
        ErrorKind.UnrecognizedClient => new(403, "InvalidClientTokenId", error.Message),
        ErrorKind.ExpiredToken => new(403, "ExpiredToken", error.Message),
        ErrorKind.InvalidSignature => new(403, "SignatureDoesNotMatch", error.Message),
        _ => new(500, "InternalFailure", error.Message, SenderFault: false),
    };
}
