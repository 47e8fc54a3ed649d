using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing.Latency;

/// <summary>Measures an upstream stream as it passes: the gaps between its updates and, once it ends, its output rate.</summary>
public static class LatencyObservingStream
{
    public static async IAsyncEnumerable<ChatResponseUpdate> ObserveLatency(this IAsyncEnumerable<ChatResponseUpdate> updates, Deployment deployment,
        TimeProvider clock, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var latency = deployment.State.Latency;
        long first = 0, last = 0, outputChars = 0;
        long? outputTokens = null;
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            var now = clock.GetTimestamp();
            if (first == 0)
            {
                first = now;
            }
            else
            {
                latency.UpdateGapMs.Record(clock.GetElapsedTime(last, now).TotalMilliseconds, now);
            }

            last = now;
            outputChars = checked(outputChars + TokenEstimate.OutputChars(update.Contents));
            // By index, not OfType: this runs for every update of every stream.
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is UsageContent { Details.OutputTokenCount: { } reported })
                {
                    outputTokens = reported;
                }
            }

            yield return update;
        }

        // Only a whole stream says what the rate is; the reported count, else the estimate from the text.
        var generating = first == 0 ? TimeSpan.Zero : clock.GetElapsedTime(first, last);
        var tokens = outputTokens ?? TokenEstimate.ForText(outputChars);
        if (generating > TimeSpan.Zero && tokens > 1)
        {
            var rate = tokens / generating.TotalSeconds;
            latency.OutputTokensPerSecond.Record(rate);
            RouterTelemetry.OutputRate(deployment.Name, rate);
        }
    }
}
