using Microsoft.Extensions.Time.Testing;
using Switchyard.Router.Configuration;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.Routing;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Backoff_is_full_jitter_under_a_growing_cap()
    {
        var retry = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };

        for (var round = 0; round < 8; round++)
        {
            var cap = Math.Min(1_000, 100 * Math.Pow(2, round));
            var delays = Enumerable.Range(0, 500).Select(_ => ChatRouter.Backoff(retry, round, retryAfter: null).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, 0, cap));
            Assert.True(delays.Max() > cap * 0.8, "full jitter spreads over the whole range");
            Assert.True(delays.Min() < cap * 0.2);
        }
    }

    [Fact]
    public void Backoff_never_undercuts_retry_after()
    {
        var retry = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) };

        Assert.Equal(TimeSpan.FromSeconds(2), ChatRouter.Backoff(retry, 0, TimeSpan.FromSeconds(2)));
    }
}

public sealed class RetryBudgetTests
{
    [Fact]
    public void Retries_are_capped_at_the_ratio_of_traffic_plus_the_per_second_floor()
    {
        var clock = new FakeTimeProvider();
        var budget = new RetryBudget(() => new RetryOptions { BudgetRatio = 0.2, BudgetMinPerSecond = 0 }, clock);

        var granted = 0;
        for (var request = 0; request < 1000; request++)
        {
            budget.OnFirstAttempt();
            // Every request fails and wants four more attempts, as in an outage.
            granted += Enumerable.Range(0, 4).Count(_ => budget.TryWithdraw());
        }

        Assert.InRange(granted, 199, 200);
    }

    [Fact]
    public void A_quiet_router_still_gets_its_floor_of_retries_per_second()
    {
        var clock = new FakeTimeProvider();
        var budget = new RetryBudget(() => new RetryOptions { BudgetRatio = 0, BudgetMinPerSecond = 5 }, clock);
        while (budget.TryWithdraw())
        {
        }

        Assert.False(budget.TryWithdraw());
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(5, Enumerable.Range(0, 10).Count(_ => budget.TryWithdraw()));
    }
}
