using Microsoft.Extensions.AI;
using Switchyard.Router.Configuration;

namespace Switchyard.Router.Providers;

/// <summary>A provider type (as YARP has transports): turns a deployment's configuration into an <see cref="IChatClient"/>.</summary>
public interface IProvider
{
    /// <summary>The value of <see cref="DeploymentOptions.Provider"/> this provider serves.</summary>
    string Name { get; }

    /// <summary>OpenTelemetry gen_ai.provider.name.</summary>
    string TelemetryName { get; }

    /// <summary>Checks the deployment against this provider's configuration; returns problems, empty when fine.</summary>
    IEnumerable<string> Validate(string deploymentName, DeploymentOptions deployment);

    /// <summary>
    /// A client for the deployment. Clients must throw <see cref="ProviderException"/> for every
    /// provider failure so the router can classify it.
    /// </summary>
    IChatClient CreateClient(DeploymentOptions deployment);
}
