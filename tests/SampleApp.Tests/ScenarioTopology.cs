using Switchyard.SampleApp.RouterClient;
using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Tests;

/// <summary>
/// The whole AppHost, started once for all scenario tests (startup costs ~20 s), with the Router's breaker
/// shortened so a short outage run sees the breaker open and recover. Scenarios run in process against it.
/// </summary>
public sealed class ScenarioTopology : IAsyncLifetime
{
    private const string AdminKey = "scenario-test-admin-key";
    private static readonly string[] Resources = ["cache", "bedrock", "quotas", "router", "chat"];

    private readonly List<HttpClient> _clients = [];
    private DistributedApplication? _app;

    public ScenarioEnvironment Environment { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Parameters:quota-admin-key={AdminKey}"], (options, _) => options.DisableDashboard = true, timeout.Token);
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "router"))
            .WithEnvironment("Routing__CircuitBreaker__BreakDuration", "00:00:02")
            .WithEnvironment("Routing__CircuitBreaker__MinimumThroughput", "3");

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in Resources)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        var router = Client("router");
        Environment = new ScenarioEnvironment(new RouterChatClients(router), router, Client("bedrock", "admin"), Client("quotas"), AdminKey, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private HttpClient Client(string resource, string? endpoint = null)
    {
        var client = _app!.CreateHttpClient(resource, endpoint);
        _clients.Add(client);
        return client;
    }
}

[CollectionDefinition(nameof(ScenarioCollection))]
public sealed class ScenarioCollection : ICollectionFixture<ScenarioTopology>;
