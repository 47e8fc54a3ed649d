using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing.Latency;

namespace Switchyard.Router.Routing;

/// <summary>
/// A whole answer fetched as a stream and assembled here: the attempt sees its first token (so a deployment
/// that hangs is abandoned at its first-token deadline, as for streams) and every stall between updates.
/// Assembly (<see cref="ChatResponseExtensions.ToChatResponse(IEnumerable{ChatResponseUpdate})"/>) keeps the
/// text, tool calls, finish reason, usage and response model the upstream streamed.
/// </summary>
internal static class StreamedAnswer
{
    public static async Task<ChatResponse> AssembleAsync(Deployment deployment, ChatRequestLifetime lifetime, RoutedAttempt attempt, TimeProvider clock)
    {
        var request = lifetime.UpstreamRequest;
        var stall = deployment.State.Latency.StallTimeout(lifetime.Table.Options);
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token);
        using var stalled = new IdleDeadline(quiet, stall, clock);
        var updates = new List<ChatResponseUpdate>();
        var latency = new LatencyObserver(deployment, clock);
        await using var stream = deployment.Client.GetStreamingResponseAsync(request.Messages, request.Options, quiet.Token).GetAsyncEnumerator(quiet.Token);
        while (true)
        {
            if (updates.Count > 0)
            {
                stalled.Waiting();
            }

            bool more;
            try
            {
                more = await stream.MoveNextAsync();
            }
            catch (Exception e) when (quiet.IsCancellationRequested && !attempt.Token.IsCancellationRequested)
            {
                // Only the stall timer cancels here while the attempt still runs: the upstream went quiet mid-answer.
                throw new ProviderException(FailureKind.Timeout, 0, "StreamStalled", $"{deployment.Name} sent nothing for {stall.TotalSeconds:F1} s in the middle of its answer.", inner: e);
            }

            stalled.Arrived();
            latency.Observe(more ? stream.Current : null);
            if (!more)
            {
                return updates.ToChatResponse();
            }

            if (updates.Count == 0)
            {
                attempt.FirstToken();
            }

            updates.Add(stream.Current);
        }
    }
}
