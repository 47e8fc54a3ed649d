namespace Switchyard.Router.Routing.Strategies;

/// <summary>
/// Orders a group's eligible deployments for one attempt: the router tries them in this order,
/// skipping any that are at capacity.
/// </summary>
public interface IRoutingStrategy
{
    /// <summary>The configuration name, e.g. "least-busy".</summary>
    string Name { get; }

    IEnumerable<Deployment> Order(IReadOnlyList<Deployment> candidates);
}
