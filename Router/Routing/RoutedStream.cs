using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing.Latency;

namespace Switchyard.Router.Routing;

/// <summary>
/// An upstream stream whose first update has arrived, so its route is settled. Its upstream call is
/// cancelled when the request's lifetime is (client gone, overall deadline) and when the upstream
/// sends nothing for the idle timeout (adaptive: <see cref="DeploymentLatency.StallTimeout(Configuration.RoutingOptions)"/>); every update that passes through is reported to the lifetime,
/// which charges for it. The lifetime owns and disposes it.
/// </summary>
public sealed class RoutedStream : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ChatResponseUpdate> _updates;
    private readonly CancellationTokenSource _upstream;
    private readonly CancellationTokenRegistration _requestLink;
    private readonly ChatRequestLifetime _lifetime;
    private readonly TimeSpan _idleTimeout;
    private ChatResponseUpdate? _first;
    private bool _started;

    private RoutedStream(IAsyncEnumerator<ChatResponseUpdate> updates, ChatResponseUpdate? first, CancellationTokenSource upstream,
        CancellationTokenRegistration requestLink, ChatRequestLifetime lifetime, TimeSpan idleTimeout)
    {
        _updates = updates;
        _first = first;
        _upstream = upstream;
        _requestLink = requestLink;
        _lifetime = lifetime;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Starts the stream on a deployment and waits for its first update until <paramref name="attemptDeadline"/>.</summary>
    internal static async Task<RoutedStream> StartAsync(Deployment deployment, ChatRequestLifetime lifetime, CancellationToken attemptDeadline, TimeProvider clock)
    {
        // The stream outlives the attempt: the attempt deadline only bounds the wait for the first update.
        var upstream = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        var requestLink = lifetime.Cancellation.Register(static state => ((CancellationTokenSource)state!).Cancel(), upstream);
        var request = lifetime.Request;
        var updates = deployment.Client.GetStreamingResponseAsync(request.Messages, request.Options, upstream.Token).ObserveLatency(deployment, clock).GetAsyncEnumerator(upstream.Token);
        try
        {
            await using (attemptDeadline.Register(static state => ((CancellationTokenSource)state!).Cancel(), upstream))
            {
                var first = await updates.MoveNextAsync() ? updates.Current : null;
                return new RoutedStream(updates, first, upstream, requestLink, lifetime, deployment.State.Latency.StallTimeout(lifetime.Table.Options));
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
    /// request's cancellation, or <see cref="StreamIdleTimeoutException"/> when the upstream went quiet;
    /// an exception of a type no provider should throw comes as a <see cref="ProviderException"/> server error.
    /// </summary>
    public async ValueTask<ChatResponseUpdate?> NextAsync()
    {
        ChatResponseUpdate? update;
        if (!_started)
        {
            _started = true;
            (update, _first) = (_first, null);
        }
        else
        {
            _upstream.CancelAfter(_idleTimeout);
            try
            {
                update = await _updates.MoveNextAsync() ? _updates.Current : null;
            }
            catch (Exception quiet) when (_upstream.IsCancellationRequested && !_lifetime.Cancellation.IsCancellationRequested)
            {
                // Only the idle timer cancels the upstream while the request still runs; whatever the
                // provider made of that cancellation, the cause is the silence.
                throw new StreamIdleTimeoutException(_idleTimeout, quiet);
            }

            _upstream.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        if (update is not null)
        {
            _lifetime.Observe(update);
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
            await _requestLink.DisposeAsync();
            _upstream.Dispose();
        }
    }
}
