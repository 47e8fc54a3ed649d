using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// An error in OpenAI's JSON shape, with Retry-After when the client should come back later. Every
/// 429 also says whether the client's SDK should retry by itself (<c>x-should-retry</c>): only when
/// the wait is known and within <see cref="RateLimitResponseOptions.MaxRetryableWait"/>.
/// </summary>
public sealed class OpenAIErrorResult(int statusCode, ErrorDetail error, TimeSpan? retryAfter = null) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => statusCode;

    public ErrorDetail Error => error;

    public static OpenAIErrorResult From(RoutingException exception) =>
        new(exception.StatusCode, new ErrorDetail { Message = exception.Message, Type = exception.ErrorType, Code = exception.Code, Param = exception.Param }, exception.RetryAfter);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        // Whole seconds, rounded up: what the client will actually sleep.
        TimeSpan? advertised = retryAfter is { } wait ? TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds))) : null;
        if (advertised is { } seconds)
        {
            response.Headers.RetryAfter = ((int)seconds.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (statusCode == StatusCodes.Status429TooManyRequests)
        {
            var bound = httpContext.RequestServices.GetRequiredService<IOptions<RateLimitResponseOptions>>().Value.MaxRetryableWait;
            response.Headers["x-should-retry"] = advertised <= bound ? "true" : "false";
        }

        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, new ErrorResponse { Error = error }, OpenAIJsonContext.Default.ErrorResponse, httpContext.RequestAborted);
    }
}
