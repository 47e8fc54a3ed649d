namespace Switchyard.AppHost;

public static class RouterResourceExtensions
{
    /// <summary>
    /// The Router. Run mode points its providers at the BedrockEmulator; publish mode leaves the
    /// emulator out and gives the Router a profile parameter per account for real Amazon Bedrock. The
    /// parameters default to empty, which means the default AWS credential chain of whatever runs the
    /// Router (web identity on EKS, a container or instance role, environment keys), so a container
    /// without ~/.aws starts; a profile is looked up only when the operator names one.
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
            // Not a reference: the Router admits through Redis, not the QuotaService's API. It waits so
            // that the tenants the QuotaService seeds exist before the first request.
            .WaitFor(quotas)
            .WithHttpHealthCheck("/health");

        if (builder.ExecutionContext.IsPublishMode)
        {
            router.WithEnvironment("Bedrock__Accounts__primary__Profile", builder.AddParameter("bedrock-primary-profile", "", publishValueAsDefault: true))
                .WithEnvironment("Bedrock__Accounts__secondary__Profile", builder.AddParameter("bedrock-secondary-profile", "", publishValueAsDefault: true));
            return router;
        }

        var bedrock = builder.AddBedrockEmulator("bedrock");
        router.WaitFor(bedrock)
            .WithEmulatorAccounts(builder.Configuration, "Bedrock")
            .WithEnvironment("OpenAIProviders__emulator__Endpoint", bedrock.GetEndpoint(BedrockEmulatorResourceExtensions.OpenAIEndpoint));
        foreach (var region in BedrockEmulatorResourceExtensions.Regions)
        {
            router.WithEnvironment($"Bedrock__Endpoints__{region}", bedrock.GetEndpoint(region));
        }

        return router;
    }
}
