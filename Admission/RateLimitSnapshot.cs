namespace Switchyard.Admission;

/// <summary>
/// The tenant's request and token windows as the OpenAI x-ratelimit-* headers report them. Limits
/// and remaining values are null when the tenant has no such limit. Reset is the time until the
/// rolling window is empty again (OpenAI: "resets to its initial state").
/// </summary>
public readonly record struct RateLimitSnapshot(
    long? LimitRequests, long? RemainingRequests, TimeSpan ResetRequests,
    long? LimitTokens, long? RemainingTokens, TimeSpan ResetTokens)
{
    /// <summary>The snapshot for the given limits and what the window holds (remaining never below zero).</summary>
    public static RateLimitSnapshot Of(long? requestLimit, long requests, TimeSpan resetRequests, long? tokenLimit, long tokens, TimeSpan resetTokens) =>
        new(requestLimit, requestLimit is { } r ? Math.Max(0, r - requests) : null, resetRequests,
            tokenLimit, tokenLimit is { } t ? Math.Max(0, t - tokens) : null, resetTokens);
}
