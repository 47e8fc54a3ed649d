using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>
/// The QuotaService in-process against the test server (or, given a connection string, through a proxy to it),
/// seeding the demo tenants the AppHost passes it in run mode (AppHost/demo-tenants.json, copied next to the
/// tests) unless told to start from its base configuration alone.
/// </summary>
public sealed class QuotaServiceFactory(
    RedisTestServer server, string adminKey = QuotaServiceFactory.AdminKey, bool demoTenants = true, string? connectionString = null)
    : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:cache", connectionString ?? server.ConnectionString);
        builder.UseSetting("Quotas:AdminKey", adminKey);
        builder.UseSetting("Admission:StoreTimeout", "00:00:02");
        if (demoTenants)
        {
            builder.ConfigureAppConfiguration(config => config.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "demo-tenants.json"), optional: false));
        }
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        return client;
    }
}
