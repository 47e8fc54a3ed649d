using Microsoft.Extensions.DependencyInjection;
using Switchyard.AppHost.Cache;

namespace Switchyard.AppHost.Tests;

/// <summary>The whole topology, started the way a developer starts it, with no container engine.</summary>
[Trait("Category", "Topology")]
public class TopologyTests
{
    private static readonly string[] Resources = ["cache", "bedrock", "quotas", "router", "chat"];

    [Fact]
    public async Task Every_resource_becomes_healthy_without_a_container_engine()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["DcpPublisher:RandomizePorts=true"], (options, _) => options.DisableDashboard = true, timeout.Token);
        await using var app = await appHost.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        foreach (var resource in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        var cache = appHost.Resources.Single(r => r.Name == "cache");
        var hosting = cache.Annotations.OfType<CacheHostingAnnotation>().Single().Hosting;
        Assert.NotEqual(CacheHosting.Container, hosting);

        using var router = app.CreateHttpClient("router");
        var health = await router.GetStringAsync("/health", timeout.Token);
        Assert.Equal("Healthy", health);
    }
}
