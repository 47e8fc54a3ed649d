using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;
using Switchyard.Router.Routing.Strategies;

namespace Switchyard.Router.Tests.Routing;

/// <summary>The routing loop's state: the fallback chain walked once, retries paid for, failovers told apart.</summary>
public sealed class RouteStateTests
{
    private static readonly ModelGroup Filtered = Group("filtered");
    private static readonly ModelGroup Long = Group("long");
    private static readonly ModelGroup Spare = Group("spare");

    private static readonly ModelGroup Short = Group("short",
        new Fallback("filtered", new HashSet<FallbackTrigger> { FallbackTrigger.ContentFiltered }),
        new Fallback("long", new HashSet<FallbackTrigger> { FallbackTrigger.ContextWindow, FallbackTrigger.Throttled }),
        new Fallback("gone", new HashSet<FallbackTrigger> { FallbackTrigger.Unavailable }),
        new Fallback("spare", new HashSet<FallbackTrigger> { FallbackTrigger.Throttled }));

    private static readonly RoutingTable Table = new(
        new[] { Short, Filtered, Long, Spare }.ToDictionary(g => g.Name),
        new RoutingOptions());

    [Fact]
    public void The_chain_is_walked_once_skipping_steps_for_other_triggers_and_groups_no_longer_configured()
    {
        var route = new RouteState(Short);

        Assert.Same(Long, route.NextFallback(FallbackTrigger.Throttled, Table));
        route.FallBackTo(Long);
        Assert.True(route.FellBack);
        Assert.Same(Long, route.Current);

        // The filtered step was passed over: a later content-filter failure does not go back to it; "gone" is not in the table.
        Assert.Null(route.NextFallback(FallbackTrigger.ContentFiltered, Table));
        Assert.Null(route.NextFallback(FallbackTrigger.Throttled, Table));
    }

    [Fact]
    public void Nothing_chosen_is_the_last_failure_else_capacity_else_unavailability()
    {
        var route = new RouteState(Short);
        Assert.Equal(FallbackTrigger.Unavailable, route.WhyNoneChosen(capacitySkips: 0));
        Assert.Equal(FallbackTrigger.Throttled, route.WhyNoneChosen(capacitySkips: 1));

        route.LastFailure = new ProviderException(FailureKind.Timeout, 0, "Timeout", "late");
        Assert.Equal(FallbackTrigger.Throttled, route.WhyNoneChosen(capacitySkips: 1)); // no deployment of this group failed yet
        route.FailedHere.Add(Short.Deployments[0]);
        Assert.Equal(FallbackTrigger.Timeout, route.WhyNoneChosen(capacitySkips: 1));

        route.FallBackTo(Long);
        Assert.Empty(route.FailedHere);
    }

    [Fact]
    public void A_backoff_retry_pays_for_the_next_attempt_and_any_other_later_attempt_is_a_failover()
    {
        var route = new RouteState(Short);
        Assert.False(route.IsUnpaidFailover);
        Assert.Equal(1, route.StartAttempt());
        Assert.True(route.IsUnpaidFailover);

        route.LastFailure = new ProviderException(FailureKind.Throttled, 429, "Throttling", "slow down");
        route.FailedHere.Add(Short.Deployments[0]);
        Assert.True(route.MayRetry(maxAttempts: 2));
        Assert.False(route.MayRetry(maxAttempts: 1));
        Assert.Equal(0, route.PayRetry());
        route.Retry();
        Assert.Empty(route.FailedHere);
        Assert.False(route.IsUnpaidFailover);

        Assert.Equal(2, route.StartAttempt());
        Assert.True(route.IsUnpaidFailover);
        route.CountExtraAttempts(1);
        Assert.Equal(3, route.Attempts);
        Assert.Equal(1, route.PayRetry());
    }

    [Fact]
    public void A_client_error_is_never_retried()
    {
        var route = new RouteState(Short) { LastFailure = new ProviderException(FailureKind.ClientError, 400, "ValidationException", "bad") };
        route.FailedHere.Add(Short.Deployments[0]);

        Assert.False(route.MayRetry(maxAttempts: 5));
    }

    private static ModelGroup Group(string name, params Fallback[] fallbacks) =>
        new(name, new ModelGroupState(name), [TestDeployments.Create($"{name}-1")], new PriorityStrategy(), fallbacks);
}
