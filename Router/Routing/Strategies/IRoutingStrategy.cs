namespace Switchyard.Router.Routing.Strategies;

/// <summary>
/// Orders a group's eligible deployments for one attempt: the router tries them in this order,
/// skipping any that are at capacity. Strategies are singletons resolved by name (as YARP resolves its
/// load-balancing policies); state a strategy keeps per group hangs off the group's <see cref="ModelGroupState"/>,
/// which outlives configuration reloads.
/// </summary>
public interface IRoutingStrategy
{
    /// <summary>The configuration name, e.g. "least-busy".</summary>
    string Name { get; }

    /// <summary>Other names configuration may use for this strategy (LiteLLM's, for instance).</summary>
    IReadOnlyList<string> Aliases => [];

    IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates);
}
