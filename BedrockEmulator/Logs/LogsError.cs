using System.Text.Json;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Logs.Insights;
using Switchyard.BedrockEmulator.Wire;

namespace Switchyard.BedrockEmulator.Logs;

/// <summary>
/// A CloudWatch Logs error. The service answers every caller's fault with 400; the emulator answers 404
/// only for a Logs call on an endpoint that serves no Logs at all, as it does for every API.
/// </summary>
internal sealed class LogsError(string type, string message, QueryCompileError? compileError = null, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public const string ContentType = "application/x-amz-json-1.1";

    public static LogsError InvalidParameter(string message) => new("InvalidParameterException", message);

    public static LogsError ResourceNotFound(string message) => new("ResourceNotFoundException", message);

    public static LogsError MalformedQuery(MalformedQueryException e) =>
        new("MalformedQueryException", e.Message, new QueryCompileError(new QueryCompileErrorLocation(e.Start, e.End), e.Message));

    /// <summary>The JSON services' names for the SigV4 failures the verifier reports.</summary>
    public static LogsError FromAuth(in EmulatorError error) => new(error.Kind switch
    {
        ErrorKind.MissingAuthenticationToken => "MissingAuthenticationTokenException",
        ErrorKind.IncompleteSignature => "IncompleteSignatureException",
        ErrorKind.UnrecognizedClient => "UnrecognizedClientException",
        ErrorKind.ExpiredToken => "ExpiredTokenException",
        _ => "InvalidSignatureException",
    }, error.Message);

    public ServiceResponse ToResponse(string requestId) => new(statusCode, ContentType,
        JsonSerializer.SerializeToUtf8Bytes(new LogsErrorBody(type, Message, compileError), LogsJsonContext.Default.LogsErrorBody), requestId);
}
