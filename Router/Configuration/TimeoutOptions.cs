using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

public sealed class TimeoutOptions
{
    /// <summary>Deadline for the first token of a streamed attempt, or the whole answer of a non-streamed one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Attempt { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline for the whole request, every attempt and backoff included, and a stream to its last chunk.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Overall { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest silence between two updates of a stream once its first one has arrived: an upstream that
    /// stalls longer is cut, and the client gets an error event instead of waiting for the overall deadline.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StreamIdle { get; set; } = TimeSpan.FromSeconds(30);
}
