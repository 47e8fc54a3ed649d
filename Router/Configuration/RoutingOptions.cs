using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchyard.Router.Configuration;

/// <summary>The routing table: deployments, model groups and the policies that govern them (section "Routing").</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Routing";

    /// <summary>Deployments by name: one provider x account x Region x model each.</summary>
    public Dictionary<string, DeploymentOptions> Deployments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Model groups by the name clients send as <c>model</c>.</summary>
    public Dictionary<string, ModelGroupOptions> ModelGroups { get; set; } = new(StringComparer.Ordinal);

    [ValidateObjectMembers]
    public RetryOptions Retry { get; set; } = new();

    [ValidateObjectMembers]
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    [ValidateObjectMembers]
    public TimeoutOptions Timeouts { get; set; } = new();

    /// <summary>First-token deadlines, stall detection and hedging learnt from each deployment's latency.</summary>
    [ValidateObjectMembers]
    public ResponseTimeOptions ResponseTime { get; set; } = new();

    /// <summary>Largest request body accepted, in bytes; larger ones get 413 before anything is parsed.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a capacity check may wait on Redis before failing open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan CapacityStoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Record prompts and completions on spans (off by default: they may hold personal data).</summary>
    public bool RecordContent { get; set; }
}
