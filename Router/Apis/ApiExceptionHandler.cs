using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Apis;

/// <summary>
/// The Router's one handler for exceptions nothing else caught (the exception handler middleware's
/// delegate), in the error shape of the door the request came to (<see cref="ApiErrors"/>), in every
/// environment: a request ASP.NET itself rejected while reading it (BadHttpRequestException: body too
/// large, shorter than its Content-Length) keeps its 4xx status and Kestrel's description; anything
/// else is a 500 that names only the trace id, never the exception.
/// </summary>
public static class ApiExceptionHandler
{
    public static Task HandleAsync(HttpContext httpContext)
    {
        var exception = httpContext.Features.GetRequiredFeature<IExceptionHandlerFeature>().Error;
        var traceId = Activity.Current?.TraceId.ToHexString() ?? httpContext.TraceIdentifier;
        httpContext.Response.Headers["x-switchyard-trace-id"] = traceId;
        var error = exception is BadHttpRequestException rejected
            ? new RoutingException(rejected.StatusCode, "invalid_request_error", rejected.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "request_too_large",
                StatusCodes.Status408RequestTimeout => "request_timeout",
                _ => "bad_request",
            }, rejected.Message)
            : new RoutingException(StatusCodes.Status500InternalServerError, "server_error", "internal_error",
                $"The server had an error while processing your request. Trace id: {traceId}.");
        return ApiErrors.Result(httpContext, error).ExecuteAsync(httpContext);
    }
}
