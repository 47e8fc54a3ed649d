using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;
using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

/// <summary>
/// Errors every endpoint can meet, as JSON errors with their real status: unreadable input is a 400
/// (with the parser's reason), a store that cannot serve (unreachable, an error reply such as OOM or
/// READONLY, a record it holds that cannot be read) a 503. Anything else stays a 500.
/// </summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            BadHttpRequestException bad => ApiError.Result(bad.StatusCode, "invalid_request_error", bad.InnerException?.Message ?? bad.Message),
            StoreDataException unreadable => ApiError.Result(StatusCodes.Status503ServiceUnavailable, "service_unavailable", unreadable.Message),
            RedisConnectionException or RedisServerException or TimeoutException =>
                ApiError.Result(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "The quota store is unavailable; try again shortly."),
            _ => null,
        };
        if (error is null)
        {
            return false;
        }

        Answered(logger, exception, httpContext.Request.Path, error.StatusCode);
        await error.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Path} answered {Status}")]
    private static partial void Answered(ILogger logger, Exception exception, PathString path, int? status);
}
