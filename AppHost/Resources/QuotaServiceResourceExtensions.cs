namespace Switchyard.AppHost;

public static class QuotaServiceResourceExtensions
{
    /// <summary>
    /// The admin key that guards tenant administration and the Router's admin API; generated once per
    /// machine and kept in user secrets when running, a deployment parameter when published.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddAdminKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("quota-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

    public static IResourceBuilder<ProjectResource> AddQuotaService(
        this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> cache, IResourceBuilder<ParameterResource> adminKey) =>
        builder.AddProject<Projects.QuotaService>(name)
            .WithReference(cache)
            .WaitFor(cache)
            .WithEnvironment("Quotas__AdminKey", adminKey)
            .WithHttpHealthCheck("/health");
}
