using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// The Router's one handler for exceptions nothing else caught (the exception handler middleware's
/// delegate), in OpenAI's error shape in every environment: a request ASP.NET itself rejected while
/// reading it (BadHttpRequestException: body too large, shorter than its Content-Length) keeps its 4xx
/// status and Kestrel's description; anything else is a 500 <c>server_error</c> that names only the
/// trace id, never the exception.
/// </summary>
public static class OpenAIExceptionHandler
{
    public static Task HandleAsync(HttpContext httpContext)
    {
        var exception = httpContext.Features.GetRequiredFeature<IExceptionHandlerFeature>().Error;
        var traceId = Activity.Current?.TraceId.ToHexString() ?? httpContext.TraceIdentifier;
        httpContext.Response.Headers["x-switchyard-trace-id"] = traceId;
        var result = exception is BadHttpRequestException rejected
            ? new OpenAIErrorResult(rejected.StatusCode, new ErrorDetail
            {
                Message = rejected.Message,
                Type = "invalid_request_error",
                Code = rejected.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "request_too_large",
                    StatusCodes.Status408RequestTimeout => "request_timeout",
                    _ => "bad_request",
                },
            })
            : new OpenAIErrorResult(StatusCodes.Status500InternalServerError, new ErrorDetail
            {
                Message = $"The server had an error while processing your request. Trace id: {traceId}.",
                Type = "server_error",
                Code = "internal_error",
            });
        return result.ExecuteAsync(httpContext);
    }
}
