using Switchyard.AppHost.Cache;

namespace Switchyard.AppHost.Tests;

/// <summary>The whole topology, started the way a developer starts it, with no container engine.</summary>
[Collection(nameof(TopologyCollection))]
[Trait("Category", "Topology")]
public class TopologyTests(TopologyFixture topology)
{
    [Fact]
    public async Task Every_resource_is_healthy_and_the_cache_needs_no_container_engine()
    {
        foreach (var resource in TopologyFixture.Resources)
        {
            Assert.True(topology.App.ResourceNotifications.TryGetCurrentState(resource, out var state), resource);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state!.Snapshot.HealthStatus);
        }

        var cache = topology.Builder.Resources.Single(r => r.Name == "cache");
        Assert.NotEqual(CacheHosting.Container, cache.Annotations.OfType<CacheHostingAnnotation>().Single().Hosting);
        Assert.Equal("Healthy", await topology.Router.GetStringAsync("/health"));
    }
}
