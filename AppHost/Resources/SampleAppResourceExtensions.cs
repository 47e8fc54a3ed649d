namespace Switchyard.AppHost;

public static class SampleAppResourceExtensions
{
    /// <summary>
    /// The chat app and scenario replays. It talks to the Router by service discovery; in run mode it also
    /// gets the emulator's admin endpoint, the QuotaService and the admin key, to reset state and inject faults.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSampleApp(
        this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ProjectResource> router, IResourceBuilder<IResourceWithConnectionString> cache)
    {
        var sample = builder.AddProject<Projects.SampleApp>(name)
            .WithReference(router)
            .WaitFor(router)
            .WithReference(cache)
            .WaitFor(cache)
            .WithHttpHealthCheck("/health");

        // Created by AddAdminKey, AddQuotaService and AddRouter; looked up so the AppHost's Program stays as it is.
        var adminKey = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "quota-admin-key");
        sample.WithEnvironment("Quotas__AdminKey", builder.CreateResourceBuilder(adminKey));
        if (builder.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name == "quotas") is { } quotas)
        {
            sample.WithReference(builder.CreateResourceBuilder(quotas));
        }

        if (builder.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name == "bedrock") is { } bedrock)
        {
            sample.WithReference(builder.CreateResourceBuilder(bedrock).GetEndpoint(BedrockEmulatorResourceExtensions.AdminEndpoint));
        }

        return sample;
    }
}
