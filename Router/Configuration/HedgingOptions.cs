using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

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
