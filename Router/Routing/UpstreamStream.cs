using Microsoft.Extensions.AI;
using Switchyard.Router.Routing.Latency;

namespace Switchyard.Router.Routing;

/// <summary>
/// One upstream streaming call whose first update has arrived. Its call is cancelled when the request's
/// lifetime is (client gone, overall deadline) and when the upstream sends nothing for the idle timeout
/// (adaptive: <see cref="DeploymentLatency.StallTimeout(Configuration.RoutingOptions)"/>); its update gaps and output rate feed the deployment's latency model (<see cref="LatencyObserver"/>).
/// A <see cref="RoutedStream"/> reads it, and replaces it when the stream is continued elsewhere.
/// </summary>
internal sealed class UpstreamStream : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ChatResponseUpdate> _updates;
    private readonly CancellationTokenSource _upstream;
    private readonly CancellationTokenRegistration _requestLink;
    private readonly ChatRequestLifetime _lifetime;
    private readonly IdleDeadline _idle;
    private readonly LatencyObserver _latency;
    private ChatResponseUpdate? _first;
    private bool _started;

    private UpstreamStream(IAsyncEnumerator<ChatResponseUpdate> updates, ChatResponseUpdate? first, CancellationTokenSource upstream,
        CancellationTokenRegistration requestLink, ChatRequestLifetime lifetime, IdleDeadline idle, LatencyObserver latency)
    {
        _updates = updates;
        _first = first;
        _upstream = upstream;
        _requestLink = requestLink;
        _lifetime = lifetime;
        _idle = idle;
        _latency = latency;
    }

    /// <summary>
    /// Starts the stream of the lifetime's <see cref="ChatRequestLifetime.UpstreamRequest"/> on a deployment
    /// and waits for its first update until <paramref name="attemptDeadline"/>.
    /// </summary>
    public static async Task<UpstreamStream> StartAsync(Deployment deployment, ChatRequestLifetime lifetime, CancellationToken attemptDeadline, TimeProvider clock)
    {
        // The stream outlives the attempt: the attempt deadline only bounds the wait for the first update.
        var upstream = new CancellationTokenSource();
        var requestLink = lifetime.Cancellation.Register(static state => ((CancellationTokenSource)state!).Cancel(), upstream);
        var request = lifetime.UpstreamRequest;
        var updates = deployment.Client.GetStreamingResponseAsync(request.Messages, request.Options, upstream.Token).GetAsyncEnumerator(upstream.Token);
        var latency = new LatencyObserver(deployment, clock);
        try
        {
            await using (attemptDeadline.Register(static state => ((CancellationTokenSource)state!).Cancel(), upstream))
            {
                var first = await updates.MoveNextAsync() ? updates.Current : null;
                latency.Observe(first);
                return new UpstreamStream(updates, first, upstream, requestLink, lifetime, new IdleDeadline(upstream, deployment.State.Latency.StallTimeout(lifetime.Table.Options), clock), latency);
            }
        }
        catch
        {
            await updates.DisposeAsync();
            await requestLink.DisposeAsync();
            upstream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next update (the first one first), or null at the end. Throws what the upstream threw, the
    /// request's cancellation, or <see cref="StreamIdleTimeoutException"/> when the upstream went quiet.
    /// </summary>
    public async ValueTask<ChatResponseUpdate?> NextAsync()
    {
        if (!_started)
        {
            _started = true;
            var first = _first;
            _first = null;
            return first;
        }

        _idle.Waiting();
        ChatResponseUpdate? update;
        try
        {
            update = await _updates.MoveNextAsync() ? _updates.Current : null;
            _latency.Observe(update);
        }
        catch (Exception quiet) when (_upstream.IsCancellationRequested && !_lifetime.Cancellation.IsCancellationRequested)
        {
            // Only the idle timer cancels the upstream while the request still runs; whatever the
            // provider made of that cancellation, the cause is the silence.
            throw new StreamIdleTimeoutException(_idle.Timeout, quiet);
        }
        finally
        {
            _idle.Arrived();
        }

        return update;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _updates.DisposeAsync();
        }
        finally
        {
            _idle.Dispose();
            await _requestLink.DisposeAsync();
            _upstream.Dispose();
        }
    }
}
