namespace Switchyard.Router.Routing.Strategies;

/// <summary>Ordered failover: the configured order, always.</summary>
public sealed class PriorityStrategy : IRoutingStrategy
{
    public string Name => "priority";

    public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates) => candidates;
}
