using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace Switchyard.Router.OpenAI;

public static class OpenAIErrorPipelineExtensions
{
    /// <summary>
    /// Every error the Router answers is OpenAI's JSON error, also those ASP.NET produces itself:
    /// unhandled exceptions (<see cref="OpenAIExceptionHandler"/>, ahead of the developer exception
    /// page, so Development shows no stack trace either) and bodiless statuses such as 404 for an
    /// unknown URL and 405 (with its Allow header) for a wrong method.
    /// </summary>
    public static WebApplication UseOpenAIErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = OpenAIExceptionHandler.HandleAsync,
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
            StatusCodes.Status404NotFound => new ErrorDetail
            {
                Message = $"Invalid URL ({request.Method} {request.Path}). The Router serves POST /v1/chat/completions and GET /v1/models, also without /v1.",
                Type = "invalid_request_error",
                Code = "unknown_url",
            },
            StatusCodes.Status405MethodNotAllowed => new ErrorDetail
            {
                Message = $"{request.Method} is not allowed on {request.Path}; allowed: {http.Response.Headers.Allow}.",
                Type = "invalid_request_error",
                Code = "method_not_allowed",
            },
            _ => new ErrorDetail
            {
                Message = ReasonPhrases.GetReasonPhrase(status),
                Type = status < 500 ? "invalid_request_error" : "server_error",
            },
        };
        return new OpenAIErrorResult(status, error).ExecuteAsync(http);
    }
}
