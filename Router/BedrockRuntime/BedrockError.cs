using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// A <see cref="RoutingException"/> as Amazon Bedrock names it: the status and error type the AWS SDKs map to
/// exception classes (<c>x-amzn-ErrorType</c>), and the member name of the in-stream exception event.
/// </summary>
internal readonly record struct BedrockError(int StatusCode, string ErrorType, string StreamEventType, string Message)
{
    public static BedrockError From(RoutingException error) => (error.StatusCode, error.Code) switch
    {
        (403, "unrecognized_client") => new(403, "UnrecognizedClientException", "internalServerException", error.Message),
        (403, "invalid_signature") => new(403, "InvalidSignatureException", "internalServerException", error.Message),
        (403, "incomplete_signature") => new(400, "IncompleteSignatureException", "internalServerException", error.Message),
        _ => FromStatus(error),
    };

    private static BedrockError FromStatus(RoutingException error) => error.StatusCode switch
    {
        400 or 413 => new(400, "ValidationException", "validationException", error.Message),
        401 or 403 => new(403, "AccessDeniedException", "internalServerException", error.Message),
        404 => new(404, "ResourceNotFoundException", "validationException", error.Message),
        408 or 504 => new(408, "ModelTimeoutException", "modelStreamErrorException", error.Message),
        429 => new(429, "ThrottlingException", "throttlingException", error.Message),
        503 => new(503, "ServiceUnavailableException", "serviceUnavailableException", error.Message),
        // A stream cut after tokens were sent (the Router's 502) is what Bedrock reports as a model stream error.
        502 => new(424, "ModelStreamErrorException", "modelStreamErrorException", error.Message),
        < 500 => new(400, "ValidationException", "validationException", error.Message),
        _ => new(500, "InternalServerException", "internalServerException", error.Message),
    };
}
