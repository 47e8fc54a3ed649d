namespace Switchyard.Router.Routing.Strategies;

/// <summary>Lowest moving-average time to first token first; unmeasured deployments first, so each gets measured.</summary>
public sealed class LowestLatencyStrategy : IRoutingStrategy
{
    public string Name => "lowest-latency";

    public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates) =>
        candidates.OrderBy(d => double.IsNaN(d.State.TimeToFirstTokenMs) ? -1 : d.State.TimeToFirstTokenMs);
}
