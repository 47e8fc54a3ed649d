extern alias emulator;

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Switchyard.Router.Routing;
using Switchyard.Tests;

namespace Switchyard.Router.Tests.ResponseTime;

/// <summary>
/// The real Bedrock emulator on loopback ports (as tests/BedrockEmulator.Tests/EmulatorHost.cs hosts it, latency
/// model off) and the real Router in front of it, over a real Redis-compatible server. One model over three
/// Regions: group "multi" (priority order us-east-1, us-east-2, us-west-2; hedging on) and group "warm" (the
/// same deployments, hedging off) through which tests build latency history without hedging. First-token
/// deadlines: 3 x p99 within 1 s and 20 s (1 s without history); the attempt timeout is 30 s, as shipped.
/// The hedge budget is 5 % of requests (at most 5 hedges saved up).
/// </summary>
public sealed class EmulatedRegionsHost : IAsyncLifetime
{
    public const string Group = "multi";
    public const string WarmGroup = "warm";
    public static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-2"];

    private static readonly string[] EndpointNames = ["admin", "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "openai"];

    private readonly RedisTestServer _redis = new();
    private readonly Dictionary<string, Uri> _endpoints = EndpointNames.ToDictionary(name => name, _ => new Uri($"http://127.0.0.1:{FreePort()}/"));
    private EmulatorFactory _emulator = null!;
    private RouterFactory _router = null!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider RouterServices => _router.Services;

    public static string DeploymentIn(string region) => $"sonnet-{region}";

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _emulator = new EmulatorFactory(_endpoints);
        _emulator.UseKestrel();
        _emulator.StartServer();
        Admin = new HttpClient { BaseAddress = _endpoints["admin"] };
        _router = new RouterFactory(_redis.ConnectionString, _endpoints);
        _router.UseKestrel(0);
        _router.StartServer();
        Client = _router.CreateClient();
        Client.Timeout = TimeSpan.FromSeconds(100);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _router.DisposeAsync();
        await _emulator.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>
    /// No faults, latency model and quotas off, every deployment's breaker, latency history and capacity window
    /// cleared; then <paramref name="baselineMs"/> of first-token latency on every Region, so first tokens take a
    /// known time.
    /// </summary>
    public async Task ResetAsync(int baselineMs = 100)
    {
        (await Admin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsJsonAsync("/admin/settings", new { latencyEnabled = false, quotasEnabled = false })).EnsureSuccessStatusCode();
        var tables = RouterServices.GetRequiredService<RoutingTableProvider>();
        await RouterServices.GetRequiredService<CapacityLimiter>().ResetAsync(tables.States.Keys);
        foreach (var state in tables.States.Values)
        {
            await state.ResetAsync();
        }

        RouterServices.GetRequiredService<SharedCircuitBreakers>().Clear();
        await AddFaultAsync(new { kind = "latency", latencyMs = baselineMs });
    }

    public async Task AddFaultAsync(object fault) =>
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync("/admin/faults", fault)).StatusCode);

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
    public async Task<(long Requests, long Tokens)> CapacityWindowAsync(string region)
    {
        var fields = await RouterServices.GetRequiredService<IConnectionMultiplexer>().GetDatabase().HashGetAllAsync($"sy:cap:{{{DeploymentIn(region)}}}");
        return (fields.Where(f => f.Name.StartsWith("r:")).Sum(f => (long)f.Value), fields.Where(f => f.Name.StartsWith("t:")).Sum(f => (long)f.Value));
    }

    /// <summary>The emulator's invocation log for a Region: how many calls reached it, and their outcomes.</summary>
    public async Task<IReadOnlyList<string>> InvocationOutcomesAsync(string region)
    {
        var log = await Admin.GetFromJsonAsync<JsonElement>($"/admin/invocations?region={region}&limit=1000");
        var items = log.ValueKind == JsonValueKind.Array ? log : log.GetProperty("invocations");
        return [.. items.EnumerateArray().Select(i => i.GetProperty("outcome").GetString()!)];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class EmulatorFactory(Dictionary<string, Uri> endpoints) : WebApplicationFactory<emulator::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(
                endpoints.Select(e => KeyValuePair.Create($"Kestrel:Endpoints:{e.Key}:Url", (string?)e.Value.ToString().TrimEnd('/')))
                    .Append(KeyValuePair.Create("Emulator:Latency:Enabled", (string?)"false"))));
        }
    }

    private sealed class RouterFactory(string redis, Dictionary<string, Uri> endpoints) : WebApplicationFactory<Program>
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
                var settings = new Dictionary<string, string?>
                {
                    ["ConnectionStrings:cache"] = redis,
                    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                    ["Tenancy:Enabled"] = "false",
                    ["Admission:StoreTimeout"] = "00:00:02",
                    ["Routing:CapacityStoreTimeoutMs"] = "2000",
                    ["Routing:Retry:BaseDelayMs"] = "1",
                    ["Routing:Retry:MaxDelayMs"] = "5",
                    ["Routing:Retry:BudgetMinPerSecond"] = "100",
                    // Breakers out of the way: each test sees every deployment, whatever timeouts the one before caused.
                    ["Routing:CircuitBreaker:MinimumThroughput"] = "10000",
                    ["Routing:ResponseTime:MinSamples"] = "5",
                    ["Routing:ResponseTime:FirstToken:Floor"] = "00:00:01",
                    ["Routing:ResponseTime:FirstToken:Default"] = "00:00:01",
                    ["Routing:ResponseTime:FirstToken:Ceiling"] = "00:00:20",
                    ["Routing:ResponseTime:Hedging:BudgetRatio"] = "0.05",
                    ["Bedrock:Accounts:primary:AccessKeyId"] = "AKIASWITCHYARDPRIMARY",
                    ["Bedrock:Accounts:primary:SecretAccessKey"] = "switchyard-emulator-primary-secret",
                    ["Routing:ModelGroups:multi:Strategy"] = "priority",
                    ["Routing:ModelGroups:warm:Strategy"] = "priority",
                    ["Routing:ModelGroups:warm:Hedging"] = "false",
                };
                for (var i = 0; i < Regions.Length; i++)
                {
                    var region = Regions[i];
                    var deployment = $"Routing:Deployments:{DeploymentIn(region)}";
                    settings[$"Bedrock:Endpoints:{region}"] = endpoints[region].ToString();
                    settings[$"{deployment}:Provider"] = "bedrock";
                    settings[$"{deployment}:Account"] = "primary";
                    settings[$"{deployment}:Region"] = region;
                    settings[$"{deployment}:Model"] = "anthropic.claude-sonnet-4-6";
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
