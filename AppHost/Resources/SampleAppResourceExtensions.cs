namespace Switchyard.AppHost;

public static class SampleAppResourceExtensions
{
    /// <summary>
    /// The chat app and scenario replays. It talks to the Router by service discovery. In run mode it also
    /// gets the emulator's admin endpoint, the QuotaService and the admin key, to reset state and inject
    /// faults for scenarios; a published one holds no admin key (its chat needs none).
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
        if (builder.ExecutionContext.IsPublishMode)
        {
            return sample;
        }

        // Created by AddAdminKey, AddQuotaService and AddRouter; looked up so the AppHost's Program stays as it is.
        var adminKey = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "quota-admin-key");
        var quotas = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "quotas");
        var bedrock = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "bedrock");
        return sample.WithEnvironment("Quotas__AdminKey", builder.CreateResourceBuilder(adminKey))
            .WithReference(builder.CreateResourceBuilder(quotas))
            .WithReference(builder.CreateResourceBuilder(bedrock).GetEndpoint(BedrockEmulatorResourceExtensions.AdminEndpoint));
    }
}
