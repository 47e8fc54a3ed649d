namespace Switchyard.Router.Routing.Strategies;

/// <summary>A random order weighted by each deployment's weight (LiteLLM's simple-shuffle).</summary>
public sealed class WeightedShuffleStrategy : IRoutingStrategy
{
    public string Name => "weighted-shuffle";

    public IReadOnlyList<string> Aliases { get; } = ["simple-shuffle"];

    public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates) =>
        // Efraimidis-Spirakis: key u^(1/w) gives a weighted random permutation in one pass.
        candidates.OrderByDescending(d => Math.Pow(Random.Shared.NextDouble(), 1.0 / Math.Max(1, d.Options.Weight)));
}
