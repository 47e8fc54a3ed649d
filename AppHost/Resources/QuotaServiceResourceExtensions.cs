namespace Switchyard.AppHost;

public static class QuotaServiceResourceExtensions
{
    public static IResourceBuilder<ProjectResource> AddQuotaService(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<IResourceWithConnectionString> cache)
    {
        // The admin key guards tenant administration; generated once per machine and kept in user secrets.
        var adminKey = builder.AddParameter("quota-admin-key", secret: true,
            value: new GenerateParameterDefault { MinLength = 32, Special = false });

        return builder.AddProject<Projects.QuotaService>(name)
            .WithReference(cache)
            .WaitFor(cache)
            .WithEnvironment("Quotas__AdminKey", adminKey)
            .WithHttpHealthCheck("/health");
    }
}
