using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing.Strategies;

/// <summary>
/// Best expected time to first token first: each deployment's median over the latency window (its
/// <see cref="Latency.DeploymentLatency"/>), deployments without a measurement first so that each gets one
/// (a deployment nobody used for a window, one recovering from an outage among them, is measured again).
/// With probability <see cref="ResponseTimeOptions.ExplorationRate"/> a random deployment goes first instead,
/// so a slower one that got faster is noticed (epsilon-greedy). The rate is read on every call, so a reload of
/// <c>Routing:ResponseTime</c> takes effect at once.
/// </summary>
public sealed class LatencyAwareStrategy(Func<double> explorationRate) : IRoutingStrategy
{
    public string Name => "latency-aware";

    public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates)
    {
        var ordered = candidates
            .Select(d => (Deployment: d, Expected: d.State.Latency.TimeToFirstTokenMs.Quantile(0.5) ?? -1))
            .OrderBy(c => c.Expected)
            .ThenBy(_ => Random.Shared.Next())
            .Select(c => c.Deployment)
            .ToList();
        if (ordered.Count > 1 && Random.Shared.NextDouble() < explorationRate())
        {
            var explored = ordered[Random.Shared.Next(ordered.Count)];
            ordered.Remove(explored);
            ordered.Insert(0, explored);
        }

        return ordered;
    }
}
