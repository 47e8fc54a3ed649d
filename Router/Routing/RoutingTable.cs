using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing;

/// <summary>An immutable snapshot of the routing configuration. Requests hold the snapshot they started with.</summary>
public sealed class RoutingTable(IReadOnlyDictionary<string, ModelGroup> groups, RoutingOptions options)
{
    public IReadOnlyDictionary<string, ModelGroup> Groups { get; } = groups;

    public RoutingOptions Options { get; } = options;
}
