using System.Text.Json;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Anthropic;

/// <summary>
/// An error in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c>, with Anthropic's
/// error type for the status (<see cref="ErrorType"/>) and the door-independent retry headers
/// (<see cref="RetryHeaders"/>). The Router's 503s (no deployment can serve, breakers open, store
/// unavailable) are Anthropic's 529 <c>overloaded_error</c>, which its SDKs and Claude Code retry.
/// </summary>
public sealed class AnthropicErrorResult(int statusCode, AnthropicError error, TimeSpan? retryAfter = null) : IResult, IStatusCodeHttpResult
{
    public const int Overloaded = 529;

    public int? StatusCode => statusCode;

    public AnthropicError Error => error;

    public static AnthropicErrorResult From(RoutingException exception)
    {
        var status = exception.StatusCode == StatusCodes.Status503ServiceUnavailable ? Overloaded : exception.StatusCode;
        return new(status, new AnthropicError { Type = ErrorType(status), Message = exception.Message }, exception.RetryAfter);
    }

    /// <summary>Anthropic's error type for an HTTP status (its documented pairs; others by class).</summary>
    public static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        Overloaded => "overloaded_error",
        < 500 => "invalid_request_error",
        _ => "api_error",
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        RetryHeaders.Write(httpContext, statusCode, retryAfter);
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, new AnthropicErrorResponse { Error = error }, AnthropicJsonContext.Default.AnthropicErrorResponse, httpContext.RequestAborted);
    }
}
