using Microsoft.Extensions.AI;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing.Latency;

/// <summary>
/// Measures an upstream stream as its reader takes each update: the gaps between its updates and, once it has
/// ended, its output rate. The reader (<see cref="UpstreamStream"/>, <see cref="StreamedAnswer"/>) calls it
/// rather than reading through another async iterator: one layer less for every update of every stream to pass,
/// and a few fields per open stream instead of an iterator's state machine.
/// </summary>
internal sealed class LatencyObserver(Deployment deployment, TimeProvider clock)
{
    private readonly DeploymentLatency _latency = deployment.State.Latency;
    private long _first;
    private long _last;
    private long _outputChars;
    private long? _outputTokens;
    private bool _ended;

    private void Update(ChatResponseUpdate update)
    {
        var now = clock.GetTimestamp();
        if (_first == 0)
        {
            _first = now;
        }
        else
        {
            _latency.UpdateGapMs.Record(clock.GetElapsedTime(_last, now).TotalMilliseconds, now);
        }

        _last = now;
        _outputChars = checked(_outputChars + TokenEstimate.OutputChars(update.Contents));
        // By index, not OfType: this runs for every update of every stream.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent { Details.OutputTokenCount: { } reported })
            {
                _outputTokens = reported;
            }
        }
    }

    /// <summary>What a reader's read gave: an update, or null when the stream has ended.</summary>
    public void Observe(ChatResponseUpdate? update)
    {
        if (update is null)
        {
            Ended();
        }
        else
        {
            Update(update);
        }
    }

    /// <summary>Only a whole stream says what the rate is: the reported count, else the estimate from the text.</summary>
    private void Ended()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        var generating = _first == 0 ? TimeSpan.Zero : clock.GetElapsedTime(_first, _last);
        var tokens = _outputTokens ?? TokenEstimate.ForText(_outputChars);
        if (generating > TimeSpan.Zero && tokens > 1)
        {
            var rate = tokens / generating.TotalSeconds;
            _latency.OutputTokensPerSecond.Record(rate);
            RouterTelemetry.OutputRate(deployment.Name, rate);
        }
    }
}
