using Aspire.Hosting;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Switchyard.AppHost.Tests;

/// <summary>
/// The whole topology, started once for the tests of a collection the way a developer starts it
/// (no container engine), with breaker and timeout settings shortened so resilience tests run in seconds.
/// </summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public const string AdminKey = "topology-test-admin-key";
    public static readonly string[] Resources = ["cache", "bedrock", "quotas", "router", "chat"];

    private IDistributedApplicationTestingBuilder? _builder;

    public DistributedApplication App { get; private set; } = null!;

    public IDistributedApplicationTestingBuilder Builder => _builder!;

    public HttpClient Router { get; private set; } = null!;

    public HttpClient EmulatorAdmin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Parameters:quota-admin-key={AdminKey}"], (options, _) => options.DisableDashboard = true, timeout.Token);
        var router = _builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "router");
        _builder.CreateResourceBuilder(router)
            .WithEnvironment("Routing__CircuitBreaker__BreakDuration", "00:00:03")
            .WithEnvironment("Routing__CircuitBreaker__MinimumThroughput", "3")
            .WithEnvironment("Routing__Timeouts__Attempt", "00:00:03");

        App = await _builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        foreach (var resource in Resources)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        Router = App.CreateHttpClient("router");
        EmulatorAdmin = App.CreateHttpClient("bedrock", "admin");
    }

    public async Task DisposeAsync()
    {
        Router?.Dispose();
        EmulatorAdmin?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>Clears emulator faults, quotas and log, and the Router's capacity windows and breakers.</summary>
    public async Task ResetAsync()
    {
        (await EmulatorAdmin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();
        // Resilience is about routing decisions, not generation speed: no simulated latency.
        (await EmulatorAdmin.PutAsJsonAsync("/admin/settings", new { latencyEnabled = false, quotasEnabled = true })).EnsureSuccessStatusCode();
        using var reset = new HttpRequestMessage(HttpMethod.Post, "/admin/reset");
        reset.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        (await Router.SendAsync(reset)).EnsureSuccessStatusCode();
    }

    public async Task<string> InjectFaultAsync(object fault)
    {
        using var response = await EmulatorAdmin.PostAsJsonAsync("/admin/faults", fault);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A chat completion through the Router as a client with the demo key sends it.</summary>
    public Task<HttpResponseMessage> ChatAsync(string model, bool stream = false, string key = "demo-key", CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"max_tokens":64,"messages":[{"role":"user","content":"Say hello to Switchyard {{Guid.NewGuid()}}"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return Router.SendAsync(request, cancellationToken);
    }
}

[CollectionDefinition(nameof(TopologyCollection))]
public sealed class TopologyCollection : ICollectionFixture<TopologyFixture>;
