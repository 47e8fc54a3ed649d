namespace Switchyard.Router.Routing.Strategies;

/// <summary>Fewest requests in flight from this replica first; ties broken at random.</summary>
public sealed class LeastBusyStrategy : IRoutingStrategy
{
    public string Name => "least-busy";

    public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates) =>
        candidates.OrderBy(d => d.State.InFlight).ThenBy(_ => Random.Shared.Next());
}
