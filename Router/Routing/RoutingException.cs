namespace Switchyard.Router.Routing;

/// <summary>A request the Router could not serve, with the OpenAI-style error the client gets.</summary>
public sealed class RoutingException(int statusCode, string errorType, string code, string message, TimeSpan? retryAfter = null, Exception? inner = null, string? param = null)
    : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>OpenAI error "type", e.g. invalid_request_error, rate_limit_exceeded.</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>OpenAI error "code", e.g. model_not_found.</summary>
    public string Code { get; } = code;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The request parameter at fault, if any.</summary>
    public string? Param { get; } = param;

    public static RoutingException InvalidRequest(string message, string? param, string code = "invalid_value") =>
        new(400, "invalid_request_error", code, message, param: param);
}
