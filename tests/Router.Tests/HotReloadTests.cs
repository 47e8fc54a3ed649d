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
        Assert.Contains(error.Failures, f => f.Contains("Strategy 'fastest'"));
        Assert.Contains(error.Failures, f => f.Contains("group 'g9'"));
        Assert.Contains(error.Failures, f => f.Contains("trigger 'bad-weather'"));
    }

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
