using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Router.Configuration;
using Switchyard.Router.Routing;
using Switchyard.Tests;

namespace Switchyard.Router.Tests.ResponseTime;

/// <summary>
/// The real Bedrock emulator (<see cref="EmulatedBedrock"/>) and the real Router in front of it, over a real
/// Redis-compatible server. One model over three Regions: group "multi" (priority order us-east-1, us-east-2, us-west-2; hedging on) and group "warm" (the
/// same deployments, hedging off) through which tests build latency history without hedging. First-token
/// deadlines: the shipped multiplier x p99 within 2 s and 20 s (2 s without history); the attempt timeout is 30 s, as shipped.
/// The hedge budget is 5 % of requests (at most 5 hedges saved up).
/// </summary>
public sealed class EmulatedRegionsHost : IAsyncLifetime
{
    public const string Group = "multi";
    public const string WarmGroup = "warm";
    public static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-2"];

    private readonly RedisTestServer _redis = new();
    private RouterFactory _router = null!;

    public EmulatedBedrock Bedrock { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider RouterServices => _router.Services;

    public static string DeploymentIn(string region) => $"sonnet-{region}";

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Bedrock = new EmulatedBedrock();
        _router = new RouterFactory(_redis.ConnectionString, Bedrock);
        _router.UseKestrel(0);
        _router.StartServer();
        Client = _router.CreateClient();
        Client.Timeout = TimeSpan.FromSeconds(100);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Client.Dispose();
        await _router.DisposeAsync();
        await Bedrock.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>
    /// No faults, latency model and quotas off, every deployment's breaker, latency history and capacity window
    /// cleared; then <paramref name="baselineMs"/> of first-token latency on every Region, so first tokens take a
    /// known time.
    /// </summary>
    public async Task ResetAsync(int baselineMs = 100)
    {
        await Bedrock.ResetAsync(quotas: false);
        var tables = RouterServices.GetRequiredService<RoutingTableProvider>();
        await RouterServices.GetRequiredService<CapacityLimiter>().ResetAsync(tables.States.Keys);
        foreach (var state in tables.States.Values)
        {
            await state.ResetAsync();
        }

        RouterServices.GetRequiredService<SharedCircuitBreakers>().Clear();
        Configure("Routing:ResponseTime:SilenceDemotion", new ResponseTimeOptions().SilenceDemotion.ToString("c", CultureInfo.InvariantCulture));
        await Bedrock.AddFaultAsync(new { kind = "latency", latencyMs = baselineMs });
    }

    /// <summary>Changes one Router setting and reloads its configuration, as an edited appsettings.json would (ResetAsync restores what tests change).</summary>
    public void Configure(string key, string value)
    {
        var configuration = (IConfigurationRoot)RouterServices.GetRequiredService<IConfiguration>();
        configuration[key] = value;
        configuration.Reload();
    }

    public DeploymentState State(string region) => RouterServices.GetRequiredService<RoutingTableProvider>().States[DeploymentIn(region)];

    /// <summary>Healthy requests through the group without hedging, so us-east-1 (first in priority) has a latency history.</summary>
    public async Task WarmUpAsync(int requests = 20)
    {
        for (var i = 0; i < requests; i++)
        {
            using var response = await SendAsync(WarmGroup, stream: true);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsStringAsync();
        }
    }

    public Task<HttpResponseMessage> SendAsync(string group, bool stream, CancellationToken cancellationToken = default) =>
        Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = group,
            stream,
            max_tokens = 50,
            messages = new[] { new { role = "user", content = "Say something about rivers." } },
        }, cancellationToken);

    /// <summary>Tokens and requests in a deployment's capacity window (what is still counted against its tpm and rpm).</summary>
    public Task<(long Requests, long Tokens)> CapacityWindowAsync(string region) => CapacityWindow.ReadAsync(RouterServices, DeploymentIn(region));

    private sealed class RouterFactory(string redis, EmulatedBedrock bedrock) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            // A host setting, so that Program.cs sees it when it registers the Redis client (the process
            // environment, which RouterHost uses, is shared with every other host in the test run).
            builder.UseSetting("ConnectionStrings:cache", redis);
            builder.ConfigureAppConfiguration(config =>
            {
                config.Sources.Clear();
                var settings = new Dictionary<string, string?>(
                    [.. bedrock.RouterSettings(), .. Regions.SelectMany(region => EmulatedBedrock.Deployment(DeploymentIn(region), region, "anthropic.claude-sonnet-4-6"))])
                {
                    ["ConnectionStrings:cache"] = redis,
                    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                    ["Tenancy:Enabled"] = "false",
                    ["Quotas:AdminKey"] = RouterHost.AdminKey,
                    ["Admission:StoreTimeout"] = "00:00:02",
                    ["Routing:CapacityStoreTimeout"] = "00:00:02",
                    ["Routing:Retry:BaseDelay"] = "00:00:00.001",
                    ["Routing:Retry:MaxDelay"] = "00:00:00.005",
                    ["Routing:Retry:BudgetMinPerSecond"] = "100",
                    // Breakers out of the way: each test sees every deployment, whatever timeouts the one before caused.
                    ["Routing:CircuitBreaker:MinimumThroughput"] = "10000",
                    ["Routing:ResponseTime:MinSamples"] = "5",
                    // 2 s: room between a loaded machine's p99 (the hedge delay) and the deadline for "late but in time".
                    ["Routing:ResponseTime:FirstToken:Floor"] = "00:00:02",
                    ["Routing:ResponseTime:FirstToken:Default"] = "00:00:02",
                    ["Routing:ResponseTime:FirstToken:Ceiling"] = "00:00:20",
                    ["Routing:ResponseTime:Hedging:BudgetRatio"] = "0.05",
                    ["Routing:ModelGroups:multi:Strategy"] = "priority",
                    ["Routing:ModelGroups:warm:Strategy"] = "priority",
                    ["Routing:ModelGroups:warm:Hedging"] = "false",
                };
                for (var i = 0; i < Regions.Length; i++)
                {
                    var region = Regions[i];
                    var deployment = $"Routing:Deployments:{DeploymentIn(region)}";
                    // Limits far above what tests send: only so that reservations are counted and can be checked.
                    settings[$"{deployment}:Rpm"] = "100000";
                    settings[$"{deployment}:Tpm"] = "100000000";
                    settings[$"Routing:ModelGroups:multi:Deployments:{i}"] = DeploymentIn(region);
                    settings[$"Routing:ModelGroups:warm:Deployments:{i}"] = DeploymentIn(region);
                }

                config.AddInMemoryCollection(settings);
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EmulatedRegionsCollection : ICollectionFixture<EmulatedRegionsHost>
{
    public const string Name = "emulated-regions";
}
