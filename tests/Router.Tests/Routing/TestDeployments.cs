using Switchyard.Router.Configuration;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.Routing;

/// <summary>Deployments served by a <see cref="ScriptedProvider"/>, for policy tests.</summary>
internal static class TestDeployments
{
    private static readonly ScriptedProvider Provider = new();

    public static Deployment Create(string name, int weight = 1, int? rpm = null, int? tpm = null)
    {
        var options = new DeploymentOptions { Provider = "scripted", Account = "a", Model = name, Weight = weight, Rpm = rpm, Tpm = tpm };
        return new Deployment(name, options, Provider, Provider.CreateClient(options), new DeploymentState(name, new CircuitBreakerOptions(), (_, _) => { }));
    }
}
