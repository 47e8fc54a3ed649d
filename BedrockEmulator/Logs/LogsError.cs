using System.Text.Json;
using Switchyard.BedrockEmulator.Apis;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Logs.Insights;

namespace Switchyard.BedrockEmulator.Logs;

/// <summary>A CloudWatch Logs error; every one the emulator answers is the caller's fault (400), as the service's are.</summary>
internal sealed class LogsError(string type, string message, QueryCompileError? compileError = null) : Exception(message)
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

    public ServiceResponse ToResponse(string requestId) => new(StatusCodes.Status400BadRequest, ContentType,
        JsonSerializer.SerializeToUtf8Bytes(new LogsErrorBody(type, Message, compileError), LogsJsonContext.Default.LogsErrorBody), requestId);
}
