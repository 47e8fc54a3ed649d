namespace Switchyard.Router.Configuration;

/// <summary>
/// A provider type as <see cref="RoutingOptionsValidator"/> checks deployments against it: the name a
/// deployment gives in <see cref="DeploymentOptions.Provider"/> and the provider's own settings check.
/// Providers implement it, so configuration checks them without depending on the providers' folder.
/// </summary>
public interface IProviderSettingsValidator
{
    /// <summary>The value of <see cref="DeploymentOptions.Provider"/> this provider serves.</summary>
    string Name { get; }

    /// <summary>Checks the deployment against this provider's configuration; returns problems, empty when fine.</summary>
    IEnumerable<string> Validate(string deploymentName, DeploymentOptions deployment);
}
