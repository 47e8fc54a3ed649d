namespace Switchyard.Router.Routing.Strategies;

/// <summary>Largest share of rpm/tpm left (as the last capacity check saw it) first.</summary>
public sealed class MostRemainingCapacityStrategy : IRoutingStrategy
{
    public string Name => "most-remaining-capacity";

    public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates) =>
        candidates.OrderByDescending(d => d.State.RemainingCapacityShare).ThenBy(_ => Random.Shared.Next());
}
