using System.Diagnostics;
using System.Globalization;
using Switchyard.Router.Configuration;

namespace Switchyard.Router.Providers;

/// <summary>
/// A classified provider failure, thrown by every <see cref="Microsoft.Extensions.AI.IChatClient"/> the
/// Router uses. Its <see cref="Exception.Message"/> is what a client may see: a generic sentence per kind
/// and the trace id, never the provider's own text (Bedrock's AccessDenied names account ids and role
/// ARNs); that text is <see cref="Detail"/>, which goes on spans only.
/// </summary>
public sealed class ProviderException(FailureKind kind, int statusCode, string errorType, string detail, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(ClientMessage(kind, statusCode, errorType, Activity.Current), inner)
{
    /// <summary>
    /// Longest Retry-After taken from a provider. Provider limits are per minute, so a minute is the most
    /// a wait can usefully be; anything longer (or negative, or unreadable) is the provider misbehaving.
    /// </summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    public FailureKind Kind { get; } = kind;

    /// <summary>HTTP status the provider answered (0 when no answer came).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The provider's own error name, e.g. ThrottlingException.</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>What the provider said, for spans and logs; never sent to clients.</summary>
    public string Detail { get; } = detail;

    /// <summary>Retry-After / x-amz-retry-after when the provider said, at most <see cref="MaxRetryAfter"/>; a negative one is ignored.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter is { } wait && wait >= TimeSpan.Zero ? (wait > MaxRetryAfter ? MaxRetryAfter : wait) : null;

    public bool IsRetryable => Kind is FailureKind.Throttled or FailureKind.Unavailable or FailureKind.ServerError or FailureKind.Timeout;

    /// <summary>The trigger fallback chains use for this failure.</summary>
    public FallbackTrigger Trigger => Kind switch
    {
        FailureKind.Throttled => FallbackTrigger.Throttled,
        FailureKind.Unavailable or FailureKind.ServerError => FallbackTrigger.Unavailable,
        FailureKind.Timeout => FallbackTrigger.Timeout,
        FailureKind.ContextWindowExceeded => FallbackTrigger.ContextWindow,
        FailureKind.ContentFiltered => FallbackTrigger.ContentFiltered,
        _ => FallbackTrigger.ClientError,
    };

    /// <summary>Retry-After (seconds or HTTP date) and x-amz-retry-after (milliseconds) of an HTTP answer.</summary>
    public static TimeSpan? ParseRetryAfter(System.Net.Http.Headers.HttpResponseHeaders headers, TimeProvider clock) =>
        ParseRetryAfter(
            headers.TryGetValues("Retry-After", out var retryAfter) ? retryAfter.FirstOrDefault() : null,
            headers.TryGetValues("x-amz-retry-after", out var amz) ? amz.FirstOrDefault() : null,
            clock);

    /// <summary>
    /// Parses a Retry-After value (delta seconds, fractions allowed, or an HTTP date) and a wait in
    /// milliseconds (x-amz-retry-after, retry-after-ms), the milliseconds first. Null when neither is
    /// there or readable, or when one is negative; capped at <see cref="MaxRetryAfter"/>.
    /// </summary>
    public static TimeSpan? ParseRetryAfter(string? retryAfter, string? retryAfterMilliseconds, TimeProvider clock)
    {
        if (double.TryParse(retryAfterMilliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            return Bounded(ms / 1000);
        }

        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return Bounded(seconds);
        }

        return DateTimeOffset.TryParseExact(retryAfter?.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? Bounded(Math.Max(0, (date - clock.GetUtcNow()).TotalSeconds))
            : null;

        // Compared as a double so that no value can overflow a TimeSpan.
        static TimeSpan? Bounded(double seconds) => double.IsFinite(seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, MaxRetryAfter.TotalSeconds))
            : null;
    }

    private static string ClientMessage(FailureKind kind, int statusCode, string errorType, Activity? trace)
    {
        var what = kind switch
        {
            FailureKind.Throttled => "The upstream provider is throttling requests.",
            FailureKind.Unavailable => "The upstream provider is unavailable.",
            FailureKind.Timeout => "The upstream provider did not answer in time.",
            FailureKind.ContextWindowExceeded => "The request does not fit the model's context window.",
            FailureKind.ContentFiltered => "The upstream provider's content filter blocked the request or the answer.",
            FailureKind.ClientError => $"The upstream provider rejected the request ({Identifier(errorType)}, HTTP {statusCode}).",
            _ => "The upstream provider failed.",
        };
        return trace is null ? what : $"{what} Trace id: {trace.TraceId.ToHexString()}.";
    }

    /// <summary>The provider's error name when it is a plain identifier (they are: ValidationException, OpenAI400); else a neutral word.</summary>
    private static string Identifier(string errorType) =>
        errorType.Length is > 0 and <= 64 && errorType.All(char.IsAsciiLetterOrDigit) ? errorType : "error";
}
