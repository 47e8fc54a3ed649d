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
