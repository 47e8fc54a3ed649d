using System.Globalization;
using Microsoft.Extensions.Options;

namespace Switchyard.Router.Http;

/// <summary>
/// Retry-After when the client should come back later, and on every 429 whether the client's SDK should
/// retry by itself (<c>x-should-retry</c>, which the OpenAI and Anthropic SDKs both obey): only when the
/// wait is known and within <see cref="RateLimitResponseOptions.MaxRetryableWait"/>.
/// </summary>
public static class RetryHeaders
{
    public static void Write(HttpContext httpContext, int statusCode, TimeSpan? retryAfter)
    {
        var response = httpContext.Response;
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
    }
}
