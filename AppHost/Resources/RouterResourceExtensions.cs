namespace Switchyard.AppHost;

public static class RouterResourceExtensions
{
    /// <summary>
    /// The Router. Run mode points its providers at the BedrockEmulator; publish mode leaves the
    /// emulator out and gives the Router parameters for real Amazon Bedrock (credentials from the
    /// standard AWS chain of whatever runs it).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddRouter(
        this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> cache, IResourceBuilder<ProjectResource> quotas,
        IResourceBuilder<ParameterResource> adminKey)
    {
        var router = builder.AddProject<Projects.Router>(name)
            .WithEnvironment("Quotas__AdminKey", adminKey)
            // A 64 MB gen0 budget instead of workstation GC's 6 MB: a request allocates about 30 KB, so the
            // default collected every ~200 requests and those pauses were a large part of its p99 (docs/router.md).
            // The GC reads this knob from the environment only, not from runtimeconfig.json.
            .WithEnvironment("DOTNET_GCgen0size", "0x4000000")
            .WithReference(cache)
            .WaitFor(cache)
            .WithReference(quotas)
            .WaitFor(quotas)
            .WithHttpHealthCheck("/health");

        if (builder.ExecutionContext.IsPublishMode)
        {
            router.WithEnvironment("Bedrock__Accounts__primary__Profile", builder.AddParameter("bedrock-primary-profile", "default", publishValueAsDefault: true))
                .WithEnvironment("Bedrock__Accounts__secondary__Profile", builder.AddParameter("bedrock-secondary-profile", "secondary", publishValueAsDefault: true));
            return router;
        }

        var bedrock = builder.AddBedrockEmulator("bedrock");
        router.WaitFor(bedrock)
            .WithEmulatorAccounts(builder.Configuration, "Bedrock")
            .WithEnvironment("OpenAIProviders__emulator__Endpoint", bedrock.GetEndpoint(BedrockEmulatorResourceExtensions.OpenAIEndpoint))
            .WithEnvironment("BedrockEmulator__AdminEndpoint", bedrock.GetEndpoint(BedrockEmulatorResourceExtensions.AdminEndpoint));
        foreach (var region in BedrockEmulatorResourceExtensions.Regions)
        {
            router.WithEnvironment($"Bedrock__Endpoints__{region}", bedrock.GetEndpoint(region));
        }

        return router;
    }
}
