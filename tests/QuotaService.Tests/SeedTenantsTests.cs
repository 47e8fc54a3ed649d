using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>What a QuotaService seeds: nothing from its own configuration; the demo tenants only when they are passed in (run mode).</summary>
[Trait("Category", "Redis")]
public sealed class SeedTenantsTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task The_base_configuration_seeds_no_tenant_and_the_demo_file_seeds_the_four_demo_tenants()
    {
        // A server of its own: the store is empty, so what is listed is what the start seeded.
        await using (var published = new QuotaServiceFactory(server, demoTenants: false))
        {
            var tenants = await published.CreateAdminClient().GetFromJsonAsync<JsonArray>("/admin/tenants");
            Assert.Empty(tenants!);
        }

        await using var run = new QuotaServiceFactory(server);
        var seeded = await run.CreateAdminClient().GetFromJsonAsync<JsonArray>("/admin/tenants");
        Assert.Equal(["consumer-a", "consumer-b", "consumer-c", "demo"], seeded!.Select(t => t!["tenant"]!["id"]!.GetValue<string>()).Order());
    }
}
