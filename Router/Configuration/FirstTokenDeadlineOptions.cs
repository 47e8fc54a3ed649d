using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

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
