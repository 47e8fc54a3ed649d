using System.Collections.Concurrent;
using System.Diagnostics;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Tests;

/// <summary>The Router's spans (every one sampled and recorded) as they stop, from creation until disposal: what a trace shows.</summary>
public sealed class RouterSpans : IDisposable
{
    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public RouterSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RouterTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyCollection<Activity> Stopped => _stopped;

    /// <summary>A trace's request (server) span once it has stopped: the lifetime ends it when the response is over, after the client has read it.</summary>
    public async Task<Activity> RequestSpanAsync(string traceId)
    {
        for (var i = 0; i < 200; i++)
        {
            if (_stopped.FirstOrDefault(s => s.TraceId.ToHexString() == traceId && s.Kind == ActivityKind.Server) is { } span)
            {
                return span;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"The request span of trace {traceId} never ended.");
    }

    public void Dispose() => _listener.Dispose();
}
