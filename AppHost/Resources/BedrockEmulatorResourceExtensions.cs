using Microsoft.Extensions.Configuration;

namespace Switchyard.AppHost;

public static class BedrockEmulatorResourceExtensions
{
    /// <summary>Regions the emulator serves, one Kestrel endpoint each (named after the Region in its appsettings.json).</summary>
    public static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"];

    /// <summary>Endpoint of the admin API (faults, quotas, invocation log).</summary>
    public const string AdminEndpoint = "admin";

    /// <summary>Endpoint of the OpenAI-compatible second provider.</summary>
    public const string OpenAIEndpoint = "openai";

    public static IResourceBuilder<ProjectResource> AddBedrockEmulator(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddProject<Projects.BedrockEmulator>(name)
            .WithHttpHealthCheck("/health", endpointName: AdminEndpoint)
            .WithEmulatorAccounts(builder.Configuration, "Emulator");

    /// <summary>
    /// Passes the emulator's test accounts (AppHost configuration <c>Emulator:Accounts</c>) to a
    /// resource under <paramref name="prefix"/>, so the emulator and the Router share one source of truth.
    /// </summary>
    public static IResourceBuilder<T> WithEmulatorAccounts<T>(this IResourceBuilder<T> resource, IConfiguration configuration, string prefix)
        where T : IResourceWithEnvironment
    {
        foreach (var account in configuration.GetSection("Emulator:Accounts").GetChildren())
        {
            foreach (var setting in account.GetChildren())
            {
                resource.WithEnvironment($"{prefix}__Accounts__{account.Key}__{setting.Key}", setting.Value);
            }
        }

        return resource;
    }
}
