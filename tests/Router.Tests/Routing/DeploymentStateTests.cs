using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.Routing;

public sealed class DeploymentStateTests
{
    [Fact]
    public async Task The_breaker_opens_and_lets_a_probe_through_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        TimeSpan? opened = null;
        var state = new DeploymentState("d", new CircuitBreakerOptions { MinimumThroughput = 2, BreakDuration = TimeSpan.FromSeconds(15) }, (_, duration) => opened = duration, clock);

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(() => state.Breaker.ExecuteAsync(
                static _ => ValueTask.FromException(new ProviderException(FailureKind.Unavailable, 503, "ServiceUnavailable", "down"))).AsTask());
        }

        Assert.Equal(TimeSpan.FromSeconds(15), opened);
        Assert.True(state.IsOpen);
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.True(state.IsOpen);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => state.Breaker.ExecuteAsync(static _ => ValueTask.CompletedTask).AsTask());

        // No real time has passed: only the injected clock says the break is over, to the router and to Polly alike.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(state.IsOpen);
        await state.Breaker.ExecuteAsync(static _ => ValueTask.CompletedTask);
        Assert.Equal(CircuitState.Closed, state.BreakerState);
    }
}
