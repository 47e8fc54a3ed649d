using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchyard.Router.Configuration;

/// <summary>
/// Deadlines and hedging learnt from each deployment's own latency (section "Routing:ResponseTime"): a
/// first token later than the deployment's history makes is abandoned, a silence between tokens far beyond
/// its norm is a stall, and a first token later than its usual one starts a hedge on another deployment.
/// </summary>
public sealed class ResponseTimeOptions
{
    /// <summary>How long a latency sample counts fully; it fades out over the next such span.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Samples a deployment needs before its own history sets its deadlines and hedges.</summary>
    [Range(1, 100_000)]
    public int MinSamples { get; set; } = 20;

    /// <summary>Share of requests on which the latency-aware strategy tries a random deployment first instead of the fastest.</summary>
    [Range(0.0, 1.0)]
    public double ExplorationRate { get; set; } = 0.05;

    /// <summary>
    /// How long a deployment that went silent (an attempt's first token overdue and none from the deployment
    /// since that attempt started) is tried last, unless a first token comes from it sooner. Zero: never
    /// demoted; attempts waiting on it still hedge at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SilenceDemotion { get; set; } = TimeSpan.FromSeconds(10);

    [ValidateObjectMembers]
    public FirstTokenDeadlineOptions FirstToken { get; set; } = new();

    [ValidateObjectMembers]
    public StreamStallOptions Stall { get; set; } = new();

    [ValidateObjectMembers]
    public HedgingOptions Hedging { get; set; } = new();
}

/// <summary>When an attempt that has sent no token yet is abandoned: <see cref="Multiplier"/> x the deployment's p99 time to first token, within bounds.</summary>
public sealed class FirstTokenDeadlineOptions
{
    [Range(1.0, 100.0)]
    public double Multiplier { get; set; } = 1.25;

    /// <summary>Never sooner: a deployment that is fast every time still gets this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan Floor { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Never later (nor later than Routing:Timeouts:Attempt).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan Ceiling { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The deadline while a deployment has fewer than MinSamples first tokens on record.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan Default { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// When a silence between two updates is a stall: <see cref="Multiplier"/> x the deployment's p99 gap between
/// updates, at least <see cref="Floor"/> and at most Routing:Timeouts:StreamIdle (also the limit
/// while the deployment has too little history).
/// </summary>
public sealed class StreamStallOptions
{
    [Range(1.0, 1000.0)]
    public double Multiplier { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Floor { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Hedged requests: when an attempt's first token is later than <see cref="Quantile"/> of its deployment's
/// history, a second attempt starts on another deployment, and the first to send a token serves.
/// </summary>
public sealed class HedgingOptions
{
    /// <summary>Default for every model group; a group's own Hedging setting overrides it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The first-token quantile of the deployment after which a hedge starts.</summary>
    [Range(0.5, 0.9999)]
    public double Quantile { get; set; } = 0.99;

    /// <summary>Hedges allowed as a share of requests (a token bucket, as the retry budget): the extra load never exceeds it.</summary>
    [Range(0.0, 1.0)]
    public double BudgetRatio { get; set; } = 0.1;

    /// <summary>Hedges always allowed per second regardless of traffic (0: hedges come from requests' deposits only).</summary>
    [Range(0, 10_000)]
    public int BudgetMinPerSecond { get; set; }
}
