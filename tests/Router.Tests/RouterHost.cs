using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Router.Providers;
using Switchyard.Tests;

namespace Switchyard.Router.Tests;

/// <summary>
/// The real Router app (in memory) over a real Redis-compatible server, with deployments served by
/// <see cref="ScriptedProvider"/>: "primary" (rpm 2) falls back to "backup"; "pair" has two
/// deployments for failover ("east" takes at most 8,192 output tokens, so the group does too); "solo"
/// has one (the default maximum for a model of unknown family); "claude" (two Regions and accounts) and
/// "nova" serve Bedrock model ids of those families, for the Bedrock door's InvokeModel.
/// </summary>
public sealed class RouterHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly RedisTestServer _redis = new();

    public ScriptedProvider Upstream { get; } = new();

    /// <summary>Where the Router listens: a real loopback socket, so out-of-process clients (node) can call it too.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        // Aspire's Redis client reads its connection string while Program.cs runs, before the
        // factory's configuration callbacks apply: hand it over through the environment.
        Environment.SetEnvironmentVariable("ConnectionStrings__cache", _redis.ConnectionString);
        UseKestrel(0);
        StartServer();
        BaseAddress = ClientOptions.BaseAddress;
        await SeedTenantsAsync();
    }

    /// <summary>
    /// Tenants as the QuotaService would store them: "test" (generous, every group), "noisy"
    /// (rpm 3), "steady" (rpm 10), "pinned" (only the "west" deployment), "batch" and "closed" (only "solo").
    /// </summary>
    private async Task SeedTenantsAsync()
    {
        var store = Services.GetRequiredService<Switchyard.Admission.TenantStore>();
        await store.UpsertAsync(new() { Id = "test", Limits = new() { RequestsPerMinute = 100_000 } }, ["test-key"]);
        await store.UpsertAsync(new() { Id = "noisy", Limits = new() { RequestsPerMinute = 3 } }, ["noisy-key"]);
        await store.UpsertAsync(new() { Id = "steady", Limits = new() { RequestsPerMinute = 10 } }, ["steady-key"]);
        await store.UpsertAsync(new() { Id = "pinned", DedicatedDeployments = ["west"] }, ["pinned-key"]);
        await store.UpsertAsync(new() { Id = "closed", AllowedModelGroups = ["solo"] }, ["closed-key"]);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    public const string ClaudeEast = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

    public const string ClaudeWest = "anthropic.claude-haiku-4-5-20251001-v1:0";

    public const string NovaLite = "amazon.nova-lite-v1:0";

    /// <summary>Every scripted deployment healthy with its default answer, capacity windows empty, breakers closed, no calls recorded.</summary>
    public async Task ResetAsync()
    {
        await Services.GetRequiredService<Switchyard.Admission.TenantStore>().ResetAllUsageAsync();
        foreach (var model in new[] { "model-primary", "model-backup", "model-east", "model-west", ClaudeEast, ClaudeWest, NovaLite })
        {
            Upstream.Succeed(model);
        }

        Upstream.Streams.Clear();
        Upstream.Answers.Clear();
        Upstream.Received.Clear();

        using var client = CreateClient();
        using var reset = new HttpRequestMessage(HttpMethod.Post, "/admin/reset");
        reset.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        (await client.SendAsync(reset)).EnsureSuccessStatusCode();
        Upstream.Calls.Clear();
    }

    /// <summary>This Router with <paramref name="settings"/> over its own (more deployments, groups, providers' endpoints).</summary>
    public WebApplicationFactory<Program> WithSettings(IEnumerable<KeyValuePair<string, string?>> settings) =>
        WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings)));

    /// <summary>Clients send the "test" tenant's key unless a test sets another.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "test-key");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config =>
        {
            // Replace the shipped routing table wholesale with the test's.
            config.Sources.Clear();
            config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:cache"] = _redis.ConnectionString,
                // A line per request would be most of the work in the fuzz suite's 20,000.
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Quotas:AdminKey"] = AdminKey,
                // Test classes run in parallel on two cores with the store in-process: be patient with it.
                ["Admission:StoreTimeout"] = "00:00:02",
                ["Routing:MaxRequestBodyBytes"] = "4096",
                ["Routing:Retry:BaseDelay"] = "00:00:00.001",
                ["Routing:Retry:MaxDelay"] = "00:00:00.005",
                ["Routing:CircuitBreaker:MinimumThroughput"] = "3",
                ["Routing:CircuitBreaker:BreakDuration"] = "00:00:02",
                ["Routing:Timeouts:Attempt"] = "00:00:02",
                ["Routing:Deployments:primary-1:Provider"] = "scripted",
                ["Routing:Deployments:primary-1:Account"] = "a",
                ["Routing:Deployments:primary-1:Model"] = "model-primary",
                ["Routing:Deployments:primary-1:Rpm"] = "2",
                ["Routing:Deployments:backup-1:Provider"] = "scripted",
                ["Routing:Deployments:backup-1:Account"] = "a",
                ["Routing:Deployments:backup-1:Model"] = "model-backup",
                ["Routing:Deployments:east:Provider"] = "scripted",
                ["Routing:Deployments:east:Account"] = "a",
                ["Routing:Deployments:east:Region"] = "us-east-1",
                ["Routing:Deployments:east:Model"] = "model-east",
                ["Routing:Deployments:east:MaxOutputTokens"] = "8192",
                ["Routing:Deployments:west:Provider"] = "scripted",
                ["Routing:Deployments:west:Account"] = "b",
                ["Routing:Deployments:west:Region"] = "us-west-2",
                ["Routing:Deployments:west:Model"] = "model-west",
                ["Routing:ModelGroups:primary:Deployments:0"] = "primary-1",
                ["Routing:ModelGroups:primary:Fallbacks:0:Group"] = "backup",
                ["Routing:ModelGroups:backup:Deployments:0"] = "backup-1",
                ["Routing:ModelGroups:pair:Deployments:0"] = "east",
                ["Routing:ModelGroups:pair:Deployments:1"] = "west",
                ["Routing:ModelGroups:pair:Strategy"] = "priority",
                ["Routing:ModelGroups:solo:Deployments:0"] = "west",
                // Model families for the Bedrock door's InvokeModel: Claude in two Regions and accounts, Nova.
                ["Routing:Deployments:claude-east:Provider"] = "scripted",
                ["Routing:Deployments:claude-east:Account"] = "a",
                ["Routing:Deployments:claude-east:Region"] = "us-east-1",
                ["Routing:Deployments:claude-east:Model"] = ClaudeEast,
                ["Routing:Deployments:claude-west:Provider"] = "scripted",
                ["Routing:Deployments:claude-west:Account"] = "b",
                ["Routing:Deployments:claude-west:Region"] = "us-west-2",
                ["Routing:Deployments:claude-west:Model"] = ClaudeWest,
                ["Routing:Deployments:nova-1:Provider"] = "scripted",
                ["Routing:Deployments:nova-1:Account"] = "a",
                ["Routing:Deployments:nova-1:Model"] = NovaLite,
                ["Routing:ModelGroups:claude:Deployments:0"] = "claude-east",
                ["Routing:ModelGroups:claude:Deployments:1"] = "claude-west",
                ["Routing:ModelGroups:claude:Strategy"] = "priority",
                ["Routing:ModelGroups:nova:Deployments:0"] = "nova-1",
            });
        });
        builder.ConfigureServices(services => services.AddSingleton<IProvider>(Upstream));
    }
}
