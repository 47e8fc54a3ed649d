using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

public sealed class CircuitBreakerOptions
{
    /// <summary>
    /// Share of failed calls in the sampling window that opens the breaker. Low on purpose: a group has
    /// other deployments to fail over to, so a deployment failing one call in four is better skipped.
    /// </summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.25;

    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 8;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether throttling counts as a failure (a throttled deployment is skipped for the break duration, like a cooldown).</summary>
    public bool CountThrottling { get; set; } = true;
}
