using Microsoft.Extensions.AI;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing;

/// <summary>A deployment as the current routing table has it: configuration, client and live state.</summary>
public sealed class Deployment(string name, DeploymentOptions options, IProvider provider, IChatClient client, DeploymentState state)
{
    public string Name { get; } = name;

    public DeploymentOptions Options { get; } = options;

    public IProvider Provider { get; } = provider;

    public IChatClient Client { get; } = client;

    public DeploymentState State { get; } = state;

    /// <summary>Largest max_tokens the deployment's model takes: configured, else its family's.</summary>
    public int MaxOutputTokens { get; } = options.MaxOutputTokens ?? ModelOutputLimits.For(options.Model);

    /// <summary>What names it on spans and metrics.</summary>
    public DeploymentTags Tags { get; } = new(name, options.Model, provider.TelemetryName, options.Region, options.Account);

    public override string ToString() => Name;
}
