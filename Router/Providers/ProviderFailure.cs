namespace Switchyard.Router.Providers;

/// <summary>What went wrong with a provider call, as far as routing decisions go.</summary>
public enum FailureKind
{
    /// <summary>429 throttling or a quota exceeded: try elsewhere or later.</summary>
    Throttled,

    /// <summary>503, connection refused or reset, ModelNotReady: the deployment is down for now.</summary>
    Unavailable,

    /// <summary>500/502/504 or a broken stream: retryable server fault.</summary>
    ServerError,

    /// <summary>No answer (or no first token) within the deadline.</summary>
    Timeout,

    /// <summary>The prompt does not fit the model's context window: a larger model may take it.</summary>
    ContextWindowExceeded,

    /// <summary>The provider's content filter or guardrail blocked the request or answer.</summary>
    ContentFiltered,

    /// <summary>400/403/404/413 and the like: the request itself is wrong; never retried.</summary>
    ClientError,
}

/// <summary>A classified provider failure, thrown by every <see cref="Microsoft.Extensions.AI.IChatClient"/> the Router uses.</summary>
public sealed class ProviderException(FailureKind kind, int statusCode, string errorType, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public FailureKind Kind { get; } = kind;

    /// <summary>HTTP status the provider answered (0 when no answer came).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The provider's own error name, e.g. ThrottlingException.</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>Retry-After / x-amz-retry-after, when the provider said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsRetryable => Kind is FailureKind.Throttled or FailureKind.Unavailable or FailureKind.ServerError or FailureKind.Timeout;

    /// <summary>The trigger name fallback chains use for this failure.</summary>
    public string Trigger => KindToTrigger(Kind);

    public static string KindToTrigger(FailureKind kind) => kind switch
    {
        FailureKind.Throttled => "throttled",
        FailureKind.Unavailable or FailureKind.ServerError => "unavailable",
        FailureKind.Timeout => "timeout",
        FailureKind.ContextWindowExceeded => "context-window",
        FailureKind.ContentFiltered => "content-filtered",
        _ => "client-error",
    };

    /// <summary>Parses Retry-After (seconds or HTTP date) and x-amz-retry-after (milliseconds).</summary>
    public static TimeSpan? ParseRetryAfter(System.Net.Http.Headers.HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("x-amz-retry-after", out var amz) && long.TryParse(amz.FirstOrDefault(), out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
    }
}
