using Microsoft.Extensions.Configuration;

namespace Switchyard.AppHost;

public static class QuotaServiceResourceExtensions
{
    /// <summary>The reference scenario's tenants and their public keys, in the QuotaService's configuration shape.</summary>
    public const string DemoTenantsFile = "demo-tenants.json";

    /// <summary>
    /// The admin key that guards tenant administration and the Router's admin API; generated once per
    /// machine and kept in user secrets when running, a deployment parameter when published.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddAdminKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("quota-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

    /// <summary>
    /// The QuotaService. In run mode it also seeds the demo tenants of <see cref="DemoTenantsFile"/>; a
    /// published one seeds none, so a deployment in front of real Bedrock has no well-known keys.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddQuotaService(
        this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> cache, IResourceBuilder<ParameterResource> adminKey)
    {
        var quotas = builder.AddProject<Projects.QuotaService>(name)
            .WithReference(cache)
            .WaitFor(cache)
            .WithEnvironment("Quotas__AdminKey", adminKey)
            .WithHttpHealthCheck("/health");
        if (builder.ExecutionContext.IsRunMode)
        {
            quotas.WithSeedTenants(Path.Combine(builder.AppHostDirectory, DemoTenantsFile));
        }

        return quotas;
    }

    /// <summary>Passes every setting of a JSON file shaped like the QuotaService's configuration ("Quotas:SeedTenants") as environment variables.</summary>
    private static IResourceBuilder<ProjectResource> WithSeedTenants(this IResourceBuilder<ProjectResource> quotas, string file)
    {
        var settings = new ConfigurationBuilder().AddJsonFile(file, optional: false).Build();
        foreach (var (key, value) in settings.AsEnumerable())
        {
            // Sections have no value of their own; only leaves are settings.
            if (value is not null)
            {
                quotas.WithEnvironment(key.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal), value);
            }
        }

        return quotas;
    }
}
