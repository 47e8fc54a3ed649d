namespace Switchyard.Router.Routing.Strategies;

/// <summary>Ordered failover: the configured order, always.</summary>
public sealed class PriorityStrategy : IRoutingStrategy
{
    public string Name => "priority";

    public IEnumerable<Deployment> Order(IReadOnlyList<Deployment> candidates) => candidates;
}

/// <summary>Rotates the starting deployment request by request.</summary>
public sealed class RoundRobinStrategy : IRoutingStrategy
{
    private uint _next;

    public string Name => "round-robin";

    public IEnumerable<Deployment> Order(IReadOnlyList<Deployment> candidates)
    {
        if (candidates.Count == 0)
        {
            yield break;
        }

        var start = (int)(Interlocked.Increment(ref _next) % (uint)candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            yield return candidates[(start + i) % candidates.Count];
        }
    }
}

/// <summary>A random order weighted by each deployment's weight (LiteLLM's simple-shuffle).</summary>
public sealed class WeightedShuffleStrategy : IRoutingStrategy
{
    public string Name => "weighted-shuffle";

    public IEnumerable<Deployment> Order(IReadOnlyList<Deployment> candidates) =>
        // Efraimidis-Spirakis: key u^(1/w) gives a weighted random permutation in one pass.
        candidates.OrderByDescending(d => Math.Pow(Random.Shared.NextDouble(), 1.0 / Math.Max(1, d.Options.Weight)));
}

/// <summary>Fewest requests in flight from this replica first; ties broken at random.</summary>
public sealed class LeastBusyStrategy : IRoutingStrategy
{
    public string Name => "least-busy";

    public IEnumerable<Deployment> Order(IReadOnlyList<Deployment> candidates) =>
        candidates.OrderBy(d => d.State.InFlight).ThenBy(_ => Random.Shared.Next());
}

/// <summary>Lowest moving-average time to first token first; unmeasured deployments first, so each gets measured.</summary>
public sealed class LowestLatencyStrategy : IRoutingStrategy
{
    public string Name => "lowest-latency";

    public IEnumerable<Deployment> Order(IReadOnlyList<Deployment> candidates) =>
        candidates.OrderBy(d => double.IsNaN(d.State.TimeToFirstTokenMs) ? -1 : d.State.TimeToFirstTokenMs);
}

/// <summary>Largest share of rpm/tpm left (as the last capacity check saw it) first.</summary>
public sealed class MostRemainingCapacityStrategy : IRoutingStrategy
{
    public string Name => "most-remaining-capacity";

    public IEnumerable<Deployment> Order(IReadOnlyList<Deployment> candidates) =>
        candidates.OrderByDescending(d => d.State.RemainingCapacityShare).ThenBy(_ => Random.Shared.Next());
}

public static class RoutingStrategyCatalog
{
    /// <summary>Strategy names accepted in configuration ("simple-shuffle" is LiteLLM's name for weighted-shuffle).</summary>
    public static readonly IReadOnlyList<string> Names =
        ["priority", "round-robin", "weighted-shuffle", "simple-shuffle", "least-busy", "lowest-latency", "latency-aware", "most-remaining-capacity"];

    /// <summary>A fresh strategy instance (stateful ones such as round-robin are per group); latency-aware explores at <paramref name="responseTime"/>'s rate.</summary>
    public static IRoutingStrategy Create(string name, Configuration.ResponseTimeOptions? responseTime = null) => name.ToLowerInvariant() switch
    {
        "priority" => new PriorityStrategy(),
        "round-robin" => new RoundRobinStrategy(),
        "weighted-shuffle" or "simple-shuffle" => new WeightedShuffleStrategy(),
        "least-busy" => new LeastBusyStrategy(),
        "lowest-latency" => new LowestLatencyStrategy(),
        "latency-aware" => new LatencyAwareStrategy((responseTime ?? new()).ExplorationRate),
        "most-remaining-capacity" => new MostRemainingCapacityStrategy(),
        _ => throw new ArgumentException($"Unknown routing strategy '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
    };
}
