using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests;

/// <summary>The routing table follows configuration changes, and a bad change never takes it down.</summary>
public sealed class HotReloadTests
{
    [Fact]
    public void A_valid_change_is_picked_up_and_an_invalid_one_keeps_the_last_good_table()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["Routing:Deployments:d1:Provider"] = "scripted",
            ["Routing:Deployments:d1:Account"] = "a",
            ["Routing:Deployments:d1:Model"] = "m1",
            ["Routing:ModelGroups:g1:Deployments:0"] = "d1",
        });
        using var services = BuildServices(source);
        var tables = services.GetRequiredService<RoutingTableProvider>();
        var before = tables.Current;
        Assert.Equal(["g1"], before.Groups.Keys);

        source.Set("Routing:ModelGroups:g2:Deployments:0", "d1");
        Assert.Equal(["g1", "g2"], tables.Current.Groups.Keys.Order());
        Assert.Equal(["g1"], before.Groups.Keys); // a request holding the old snapshot is unaffected

        source.Set("Routing:ModelGroups:g3:Deployments:0", "no-such-deployment");
        Assert.Equal(["g1", "g2"], tables.Current.Groups.Keys.Order());
    }

    [Fact]
    public void Invalid_configuration_fails_at_start_with_messages_naming_the_key()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["Routing:Deployments:d1:Provider"] = "nope",
            ["Routing:Deployments:d1:Account"] = "a",
            ["Routing:Deployments:d1:Model"] = "m1",
            ["Routing:ModelGroups:g1:Deployments:0"] = "d2",
            ["Routing:ModelGroups:g1:Strategy"] = "fastest",
            ["Routing:ModelGroups:g1:Fallbacks:0:Group"] = "g9",
            ["Routing:ModelGroups:g1:Fallbacks:0:On:0"] = "bad-weather",
        });
        using var services = BuildServices(source);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<RoutingOptions>>().CurrentValue);

        Assert.Contains(error.Failures, f => f.Contains("Routing:Deployments:d1:Provider 'nope'"));
        Assert.Contains(error.Failures, f => f.Contains("names 'd2'"));
        Assert.Contains(error.Failures, f => f.Contains(
            "Routing:ModelGroups:g1:Strategy 'fastest' is not one of: priority, round-robin, weighted-shuffle, simple-shuffle, least-busy, lowest-latency, latency-aware, most-remaining-capacity."));
        Assert.Contains(error.Failures, f => f.Contains("group 'g9'"));
        Assert.Contains(error.Failures, f => f.Contains("trigger 'bad-weather'"));
    }

    [Theory]
    [InlineData("Routing:CapacityStoreTimeout", "00:00:11", "Routing.CapacityStoreTimeout")]
    [InlineData("Routing:Retry:MaxDelay", "00:02:01", "Routing.Retry.MaxDelay")]
    [InlineData("Routing:CircuitBreaker:BreakDuration", "00:00:00.500", "Routing.CircuitBreaker.BreakDuration")]
    [InlineData("Routing:Timeouts:Attempt", "00:00:00", "Routing.Timeouts.Attempt")]
    [InlineData("Routing:Timeouts:Overall", "01:00:01", "Routing.Timeouts.Overall")]
    [InlineData("Routing:Timeouts:StreamIdle", "-00:00:01", "Routing.Timeouts.StreamIdle")]
    [InlineData("Routing:ResponseTime:Stall:Floor", "00:00:00.050", "Routing.ResponseTime.Stall.Floor")]
    [InlineData("Routing:Deployments:d1:Rpm", "0", "Routing:Deployments:d1.Rpm")]
    public void A_value_out_of_range_fails_at_start_naming_the_key(string key, string value, string named)
    {
        using var services = BuildServices(new ReloadableSource(new Dictionary<string, string?>(ValidTable) { [key] = value }));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<RoutingOptions>>().CurrentValue);

        var failure = Assert.Single(error.Failures);
        Assert.Contains(named, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_delay_above_the_max_delay_fails_at_start()
    {
        using var services = BuildServices(new ReloadableSource(new Dictionary<string, string?>(ValidTable)
        {
            ["Routing:Retry:BaseDelay"] = "00:00:02",
            ["Routing:Retry:MaxDelay"] = "00:00:01",
        }));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<RoutingOptions>>().CurrentValue);

        Assert.Equal(["Routing:Retry:MaxDelay must not be below BaseDelay."], error.Failures);
    }

    [Fact]
    public void A_reload_with_a_value_out_of_range_keeps_the_last_good_table()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>(ValidTable) { ["Routing:Timeouts:Attempt"] = "00:00:07" });
        using var services = BuildServices(source);
        var tables = services.GetRequiredService<RoutingTableProvider>();
        Assert.Equal(TimeSpan.FromSeconds(7), tables.Current.Options.Timeouts.Attempt);

        source.Set("Routing:Timeouts:Attempt", "02:00:00");
        Assert.Equal(TimeSpan.FromSeconds(7), tables.Current.Options.Timeouts.Attempt);

        source.Set("Routing:Timeouts:Attempt", "00:00:09");
        Assert.Equal(TimeSpan.FromSeconds(9), tables.Current.Options.Timeouts.Attempt);
    }

    [Fact]
    public void A_reload_keeps_the_round_robin_rotation_going()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["Routing:Deployments:d1:Provider"] = "scripted",
            ["Routing:Deployments:d1:Account"] = "a",
            ["Routing:Deployments:d1:Model"] = "m1",
            ["Routing:Deployments:d2:Provider"] = "scripted",
            ["Routing:Deployments:d2:Account"] = "a",
            ["Routing:Deployments:d2:Model"] = "m2",
            ["Routing:Deployments:d3:Provider"] = "scripted",
            ["Routing:Deployments:d3:Account"] = "a",
            ["Routing:Deployments:d3:Model"] = "m3",
            ["Routing:ModelGroups:g1:Deployments:0"] = "d1",
            ["Routing:ModelGroups:g1:Deployments:1"] = "d2",
            ["Routing:ModelGroups:g1:Deployments:2"] = "d3",
            ["Routing:ModelGroups:g1:Strategy"] = "round-robin",
        });
        using var services = BuildServices(source);
        var tables = services.GetRequiredService<RoutingTableProvider>();
        string First() => tables.Current.Groups["g1"].Ordered().First().Name;
        var before = new[] { First(), First() };

        source.Set("Routing:ModelGroups:g2:Deployments:0", "d1");
        var after = new[] { First(), First(), First() };

        // Five turns in a row over three deployments, a reload in the middle: no deployment first a third time yet.
        Assert.Equal(["g1", "g2"], tables.Current.Groups.Keys.Order());
        Assert.Equal(["d1", "d2", "d3"], before.Concat(after).Distinct().Order());
        Assert.NotEqual(before[0], after[0]);
        Assert.Equal(before[0], after[1]);
        Assert.Equal(before[1], after[2]);
    }

    [Fact]
    public void Latency_aware_explores_at_the_rate_the_current_table_sets()
    {
        var source = new ReloadableSource(new Dictionary<string, string?>
        {
            ["Routing:Deployments:fast:Provider"] = "scripted",
            ["Routing:Deployments:fast:Account"] = "a",
            ["Routing:Deployments:fast:Model"] = "m1",
            ["Routing:Deployments:slow:Provider"] = "scripted",
            ["Routing:Deployments:slow:Account"] = "a",
            ["Routing:Deployments:slow:Model"] = "m2",
            ["Routing:ModelGroups:g1:Deployments:0"] = "slow",
            ["Routing:ModelGroups:g1:Deployments:1"] = "fast",
            ["Routing:ModelGroups:g1:Strategy"] = "latency-aware",
            ["Routing:ResponseTime:ExplorationRate"] = "0",
        });
        using var services = BuildServices(source);
        var tables = services.GetRequiredService<RoutingTableProvider>();
        for (var i = 0; i < 20; i++)
        {
            tables.States["fast"].RecordTimeToFirstToken(TimeSpan.FromMilliseconds(100));
            tables.States["slow"].RecordTimeToFirstToken(TimeSpan.FromMilliseconds(900));
        }

        int SlowFirst() => Enumerable.Range(0, 400).Count(_ => tables.Current.Groups["g1"].Ordered().First().Name == "slow");
        Assert.Equal(0, SlowFirst());

        // Exploring always: a random one of the two goes first, the slow one about half of the time.
        source.Set("Routing:ResponseTime:ExplorationRate", "1");
        Assert.InRange(SlowFirst(), 120, 280);
    }

    private static readonly Dictionary<string, string?> ValidTable = new()
    {
        ["Routing:Deployments:d1:Provider"] = "scripted",
        ["Routing:Deployments:d1:Account"] = "a",
        ["Routing:Deployments:d1:Model"] = "m1",
        ["Routing:ModelGroups:g1:Deployments:0"] = "d1",
    };

    private static ServiceProvider BuildServices(ReloadableSource source)
    {
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<IProvider>(new ScriptedProvider());
        // Breaker sharing with its store down: the routing table must not care.
        services.AddSingleton<StackExchange.Redis.IConnectionMultiplexer>(_ => StackExchange.Redis.ConnectionMultiplexer.Connect("127.0.0.1:1,abortConnect=false,connectTimeout=100"));
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<Switchyard.Admission.AdmissionOptions>();
        services.AddSingleton<Switchyard.Admission.StoreGate>();
        services.AddSingleton<SharedCircuitBreakers>();
        services.AddRoutingTable();
        return services.BuildServiceProvider();
    }

    /// <summary>An in-memory configuration source that can change, as a reloaded appsettings.json does.</summary>
    private sealed class ReloadableSource(Dictionary<string, string?> initial) : IConfigurationSource
    {
        private readonly Provider _provider = new(initial);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider;

        public void Set(string key, string value) => _provider.SetAndReload(key, value);

        private sealed class Provider(Dictionary<string, string?> initial) : ConfigurationProvider
        {
            public override void Load() => Data = new Dictionary<string, string?>(initial, StringComparer.OrdinalIgnoreCase);

            public void SetAndReload(string key, string value)
            {
                Data[key] = value;
                OnReload();
            }
        }
    }
}
