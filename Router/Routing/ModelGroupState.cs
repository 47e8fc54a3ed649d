namespace Switchyard.Router.Routing;

/// <summary>
/// A model group's identity across configuration reloads, kept by <see cref="RoutingTableProvider"/> per
/// group name as <see cref="DeploymentState"/> is per deployment: strategies attach what they keep per
/// group to it (round-robin's position), so a rebuilt table carries on where the last one was.
/// </summary>
public sealed class ModelGroupState(string name)
{
    public string Name { get; } = name;
}
