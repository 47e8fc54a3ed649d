using Microsoft.AspNetCore.WebUtilities;

namespace Switchyard.QuotaService.Apis;

/// <summary>
/// An error answered without a body (routing's 404 and 405, the body binder's 415 for a non-JSON content type,
/// which it sets rather than throws) gets the same JSON error as every other, not a ProblemDetails document.
/// </summary>
public static class ApiStatusCodePages
{
    public static IApplicationBuilder UseApiStatusCodePages(this IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var status = context.HttpContext.Response.StatusCode;
        var message = status == StatusCodes.Status415UnsupportedMediaType
            ? "The body must be JSON (Content-Type: application/json)."
            : $"{ReasonPhrases.GetReasonPhrase(status)}.";
        var type = status switch
        {
            StatusCodes.Status401Unauthorized => "authentication_error",
            StatusCodes.Status404NotFound => "not_found",
            _ => "invalid_request_error",
        };
        await ApiError.Result(status, type, message).ExecuteAsync(context.HttpContext);
    });
}
