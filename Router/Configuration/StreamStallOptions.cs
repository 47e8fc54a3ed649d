using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

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
