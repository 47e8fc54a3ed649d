namespace Switchyard.Router.Routing;

/// <summary>A started stream whose upstream sent nothing for <c>Routing:Timeouts:StreamIdle</c>.</summary>
public sealed class StreamIdleTimeoutException(TimeSpan idle, Exception inner)
    : TimeoutException($"The upstream sent nothing for {idle.TotalSeconds:F0} s.", inner)
{
    public TimeSpan Idle { get; } = idle;
}
