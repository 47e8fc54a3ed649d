using Microsoft.AspNetCore.WebUtilities;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Apis;

public static class ApiErrorPipelineExtensions
{
    /// <summary>
    /// Every error the Router answers is a JSON error in the protocol of the door it was asked at
    /// (<see cref="ApiErrors"/>), also those ASP.NET produces itself: unhandled exceptions
    /// (<see cref="ApiExceptionHandler"/>, ahead of the developer exception page, so Development shows
    /// no stack trace either) and bodiless statuses such as 404 for an unknown URL and 405 (with its
    /// Allow header) for a wrong method.
    /// </summary>
    public static WebApplication UseApiErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = ApiExceptionHandler.HandleAsync,
            // Log and tag (error.type) server faults; a client's malformed request is no fault of ours.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages(context => WriteStatusAsync(context.HttpContext));
        return app;
    }

    private static Task WriteStatusAsync(HttpContext http)
    {
        var (request, status) = (http.Request, http.Response.StatusCode);
        var error = status switch
        {
            StatusCodes.Status404NotFound => new RoutingException(status, "invalid_request_error", "unknown_url",
                $"Invalid URL ({request.Method} {request.Path}). {ApiErrors.ServedPaths(http)}"),
            StatusCodes.Status405MethodNotAllowed => new RoutingException(status, "invalid_request_error", "method_not_allowed",
                $"{request.Method} is not allowed on {request.Path}; allowed: {http.Response.Headers.Allow}."),
            _ => new RoutingException(status, status < 500 ? "invalid_request_error" : "server_error", "http_status", ReasonPhrases.GetReasonPhrase(status)),
        };
        return ApiErrors.Result(http, error).ExecuteAsync(http);
    }
}
