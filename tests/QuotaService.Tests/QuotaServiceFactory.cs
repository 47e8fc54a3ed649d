using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>
/// The QuotaService in-process against the test server (or, given a connection string, through a proxy
/// to it), with the seeded demo tenants of appsettings.json.
/// </summary>
public sealed class QuotaServiceFactory(RedisTestServer server, string adminKey = QuotaServiceFactory.AdminKey, string? connectionString = null)
    : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:cache", connectionString ?? server.ConnectionString);
        builder.UseSetting("Quotas:AdminKey", adminKey);
        builder.UseSetting("Admission:StoreTimeout", "00:00:02");
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        return client;
    }
}
