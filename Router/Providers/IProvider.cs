using Microsoft.Extensions.AI;
using Switchyard.Router.Configuration;

namespace Switchyard.Router.Providers;

/// <summary>A provider type (as YARP has transports): turns a deployment's configuration into an <see cref="IChatClient"/>.</summary>
public interface IProvider
{
    /// <summary>The value of <see cref="DeploymentOptions.Provider"/> this provider serves.</summary>
    string Name { get; }

    /// <summary>Checks the deployment against this provider's configuration; returns problems, empty when fine.</summary>
    IEnumerable<string> Validate(string deploymentName, DeploymentOptions deployment);

    /// <summary>OpenTelemetry gen_ai.provider.name.</summary>
    string TelemetryName { get; }

    /// <summary>
    /// Whether a conversation sent to it may end on an assistant message whose text the model continues
    /// (a prefill): what mid-stream continuation needs. Most OpenAI-compatible endpoints answer it with a new turn instead.
    /// </summary>
    bool SupportsAssistantPrefill => false;

    /// <summary>
    /// A client for the deployment. Clients throw <see cref="ProviderException"/> for the provider
    /// failures they know, so the router can classify them; the routing table wraps every client in a
    /// <see cref="ProviderBoundaryChatClient"/>, which makes anything else a retryable server error.
    /// </summary>
    IChatClient CreateClient(DeploymentOptions deployment);
}
