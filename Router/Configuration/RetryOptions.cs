using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

public sealed class RetryOptions
{
    /// <summary>Upstream attempts per client request, over every deployment and fallback group.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Backoff before the first retry; it doubles with each round up to <see cref="MaxDelay"/>, fully jittered.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    [Range(typeof(TimeSpan), "00:00:00", "00:02:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Retries allowed as a share of first attempts (a token bucket), so an outage never multiplies upstream load.</summary>
    [Range(0.0, 10.0)]
    public double BudgetRatio { get; set; } = 0.2;

    /// <summary>Retries always allowed per second regardless of traffic, so a quiet Router can still retry.</summary>
    [Range(0, 10_000)]
    public int BudgetMinPerSecond { get; set; } = 10;
}
