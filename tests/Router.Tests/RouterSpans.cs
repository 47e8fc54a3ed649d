using System.Collections.Concurrent;
using System.Diagnostics;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Tests;

/// <summary>
/// The Router's spans (every one sampled and recorded) as they stop, from creation until disposal: what a trace shows.
/// They are its own source's (attempts) and, of ASP.NET Core's server spans, those the Router made request spans (they
/// have its GenAI attributes); the in-process emulators' server spans, in the same traces, are not the Router's.
/// </summary>
public sealed class RouterSpans : IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public RouterSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RouterTelemetry.SourceName or AspNetCoreSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.Source.Name == RouterTelemetry.SourceName || span.GetTagItem("gen_ai.operation.name") is not null)
                {
                    _stopped.Add(span);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyCollection<Activity> Stopped => _stopped;

    /// <summary>A trace's request (server) span once it has stopped: ASP.NET Core ends it when the response is over, after the client has read it.</summary>
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
