using Microsoft.Extensions.DependencyInjection;
using Switchyard.Router.Routing;
using Switchyard.Router.Routing.Strategies;

namespace Switchyard.Router.Tests.Routing;

public sealed class StrategyTests
{
    private static readonly ModelGroupState Group = new("g");

    [Fact]
    public void Priority_keeps_the_configured_order()
    {
        var deployments = Make("a", "b", "c");

        Assert.Equal(["a", "b", "c"], new PriorityStrategy().Order(Group, deployments).Select(d => d.Name));
    }

    [Fact]
    public void Round_robin_rotates_the_first_choice()
    {
        var deployments = Make("a", "b", "c");
        var strategy = new RoundRobinStrategy();

        var firsts = Enumerable.Range(0, 6).Select(_ => strategy.Order(Group, deployments).First().Name).ToList();

        Assert.Equal(2, firsts.Count(f => f == "a"));
        Assert.Equal(2, firsts.Count(f => f == "b"));
        Assert.Equal(2, firsts.Count(f => f == "c"));
        Assert.All(Enumerable.Range(0, 3), _ => Assert.Equal(3, strategy.Order(Group, deployments).Distinct().Count()));
    }

    [Fact]
    public void Round_robin_keeps_a_position_per_group()
    {
        var deployments = Make("a", "b", "c");
        var strategy = new RoundRobinStrategy();
        var (one, other) = (new ModelGroupState("one"), new ModelGroupState("other"));

        var first = strategy.Order(one, deployments).First().Name;
        strategy.Order(one, deployments).ToList();

        // Another group's turns do not move this one's: it starts where a fresh group does.
        Assert.Equal(first, strategy.Order(other, deployments).First().Name);
        Assert.NotEqual(first, strategy.Order(one, deployments).First().Name);
    }

    [Fact]
    public void Weighted_shuffle_follows_the_weights()
    {
        var deployments = new[] { Make("heavy", weight: 3), Make("light", weight: 1) };
        var strategy = new WeightedShuffleStrategy();

        var heavyFirst = Enumerable.Range(0, 4000).Count(_ => strategy.Order(Group, deployments).First().Name == "heavy");

        Assert.InRange(heavyFirst / 4000.0, 0.70, 0.80); // 3 / (3 + 1)
    }

    [Fact]
    public void Least_busy_prefers_fewer_requests_in_flight()
    {
        var (busy, idle) = (Make("busy"), Make("idle"));
        busy.State.Enter();
        busy.State.Enter();
        idle.State.Enter();

        Assert.Equal(["idle", "busy"], new LeastBusyStrategy().Order(Group, [busy, idle]).Select(d => d.Name));
    }

    [Fact]
    public void Lowest_latency_measures_the_unmeasured_first_then_prefers_the_fastest()
    {
        var (slow, fast, fresh) = (Make("slow"), Make("fast"), Make("fresh"));
        slow.State.RecordTimeToFirstToken(TimeSpan.FromMilliseconds(900));
        fast.State.RecordTimeToFirstToken(TimeSpan.FromMilliseconds(100));

        Assert.Equal(["fresh", "fast", "slow"], new LowestLatencyStrategy().Order(Group, [slow, fast, fresh]).Select(d => d.Name));
    }

    [Fact]
    public void Latency_average_moves_towards_new_samples()
    {
        var deployment = Make("d");
        deployment.State.RecordTimeToFirstToken(TimeSpan.FromMilliseconds(100));
        deployment.State.RecordTimeToFirstToken(TimeSpan.FromMilliseconds(600));

        Assert.Equal(200, deployment.State.TimeToFirstTokenMs, precision: 6); // 100 + 0.2 x 500
    }

    [Fact]
    public void Latency_aware_prefers_the_fastest_yet_still_probes_the_others()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var (fast, slow, slower) = (Measured("fast", clock, 100), Measured("slow", clock, 900), Measured("slower", clock, 2000));
        var strategy = new LatencyAwareStrategy(() => 0.06);

        var firsts = Enumerable.Range(0, 6000).Select(_ => strategy.Order(Group, [slower, slow, fast]).First().Name).ToList();

        // Fastest first but for exploration: 94 % + a third of 6 %; each other one a third of 6 % (120 of 6000).
        Assert.InRange(firsts.Count(f => f == "fast") / 6000.0, 0.93, 0.97);
        Assert.InRange(firsts.Count(f => f == "slow"), 60, 200);
        Assert.InRange(firsts.Count(f => f == "slower"), 60, 200);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(3, strategy.Order(Group, [slower, slow, fast]).Distinct().Count()));
    }

    [Fact]
    public void Latency_aware_measures_again_a_deployment_whose_history_has_faded()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var (fast, recovering) = (Measured("fast", clock, 100), Measured("recovering", clock, 30_000));
        var strategy = new LatencyAwareStrategy(() => 0);
        Assert.Equal(["fast", "recovering"], strategy.Order(Group, [recovering, fast]).Select(d => d.Name));

        // Two windows later only the deployment still in use has samples: the other is unmeasured and goes first.
        clock.Advance(new Configuration.ResponseTimeOptions().Window * 2);
        fast.State.RecordTimeToFirstToken(TimeSpan.FromMilliseconds(100));

        Assert.Equal(["recovering", "fast"], strategy.Order(Group, [fast, recovering]).Select(d => d.Name));
    }

    private static Deployment Measured(string name, TimeProvider clock, double ttftMs)
    {
        var options = new Configuration.DeploymentOptions { Provider = "scripted", Account = "a", Model = name };
        var provider = new ScriptedProvider();
        var deployment = new Deployment(name, options, provider, provider.CreateClient(options),
            new DeploymentState(name, new Configuration.CircuitBreakerOptions(), (_, _) => { }, clock));
        for (var i = 0; i < 20; i++)
        {
            deployment.State.RecordTimeToFirstToken(TimeSpan.FromMilliseconds(ttftMs * (0.9 + i * 0.01)));
        }

        return deployment;
    }

    [Fact]
    public void Most_remaining_capacity_prefers_the_emptiest()
    {
        var (full, empty) = (Make("full"), Make("empty"));
        full.State.RemainingCapacityShare = 0.1;
        empty.State.RemainingCapacityShare = 0.9;

        Assert.Equal(["empty", "full"], new MostRemainingCapacityStrategy().Order(Group, [full, empty]).Select(d => d.Name));
    }

    [Theory]
    [InlineData("simple-shuffle", typeof(WeightedShuffleStrategy))]
    [InlineData("Least-Busy", typeof(LeastBusyStrategy))]
    [InlineData("round-robin", typeof(RoundRobinStrategy))]
    [InlineData("latency-aware", typeof(LatencyAwareStrategy))]
    public void Registry_resolves_the_registered_singletons_by_name_or_alias(string name, Type expected)
    {
        using var services = new ServiceCollection().AddRoutingStrategies().BuildServiceProvider();
        var registry = services.GetRequiredService<RoutingStrategyRegistry>();

        var strategy = registry.Resolve(name);

        Assert.IsType(expected, strategy);
        Assert.Same(strategy, registry.Resolve(name.ToUpperInvariant()));
        Assert.Contains(strategy, services.GetServices<IRoutingStrategy>());
    }

    [Fact]
    public void Registry_rejects_unknown_names_listing_the_known_ones()
    {
        using var services = new ServiceCollection().AddRoutingStrategies().BuildServiceProvider();
        var registry = services.GetRequiredService<RoutingStrategyRegistry>();

        var error = Assert.Throws<ArgumentException>(() => registry.Resolve("fastest"));

        Assert.Equal(
            ["priority", "round-robin", "weighted-shuffle", "simple-shuffle", "least-busy", "lowest-latency", "latency-aware", "most-remaining-capacity"],
            registry.Names);
        Assert.Contains(string.Join(", ", registry.Names), error.Message);
    }

    [Fact]
    public void Registry_refuses_two_strategies_under_one_name() =>
        Assert.Throws<InvalidOperationException>(() => new RoutingStrategyRegistry([new WeightedShuffleStrategy(), new Renamed("simple-shuffle")]));

    [Fact]
    public void A_registered_strategy_is_a_valid_name()
    {
        var registry = new RoutingStrategyRegistry([new PriorityStrategy(), new Renamed("cheapest")]);

        Assert.True(registry.Contains("Cheapest"));
        Assert.Equal("cheapest", registry.Resolve("cheapest").Name);
    }

    /// <summary>A strategy registered by someone else, under a name of its own.</summary>
    private sealed class Renamed(string name) : IRoutingStrategy
    {
        public string Name => name;

        public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates) => candidates;
    }

    private static Deployment[] Make(params string[] names) => [.. names.Select(n => TestDeployments.Create(n))];

    private static Deployment Make(string name, int weight = 1) => TestDeployments.Create(name, weight);
}
