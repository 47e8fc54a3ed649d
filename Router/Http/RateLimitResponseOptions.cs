using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Http;

/// <summary>How the Router's 429 answers steer clients' automatic retries, section "RateLimitResponses".</summary>
public sealed class RateLimitResponseOptions
{
    public const string SectionName = "RateLimitResponses";

    /// <summary>
    /// Longest Retry-After for which a 429 invites the client's own retry (<c>x-should-retry: true</c>).
    /// A longer wait answers <c>x-should-retry: false</c>: the OpenAI and Anthropic SDKs then raise
    /// RateLimitError at once instead of sleeping up to 60 s before each of their retries. Capped at
    /// 60 s because the SDKs ignore a longer Retry-After anyway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxRetryableWait { get; set; } = TimeSpan.FromSeconds(5);
}
