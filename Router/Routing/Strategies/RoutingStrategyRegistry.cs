namespace Switchyard.Router.Routing.Strategies;

/// <summary>
/// The registered <see cref="IRoutingStrategy"/> singletons by name and alias, case-insensitively (as
/// YARP looks up its load-balancing policies). Registering another <see cref="IRoutingStrategy"/> makes
/// its name valid in configuration.
/// </summary>
public sealed class RoutingStrategyRegistry
{
    private readonly Dictionary<string, IRoutingStrategy> _byName = new(StringComparer.OrdinalIgnoreCase);

    public RoutingStrategyRegistry(IEnumerable<IRoutingStrategy> strategies)
    {
        foreach (var strategy in strategies)
        {
            foreach (var name in strategy.Aliases.Prepend(strategy.Name))
            {
                if (!_byName.TryAdd(name, strategy))
                {
                    throw new InvalidOperationException($"Two routing strategies are registered as '{name}'.");
                }
            }
        }

        Names = [.. _byName.Keys];
    }

    /// <summary>Every name configuration may use, aliases included, in registration order.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The strategy registered as <paramref name="name"/>; an <see cref="ArgumentException"/> listing the known names when none is.</summary>
    public IRoutingStrategy Resolve(string name) => _byName.TryGetValue(name, out var strategy)
        ? strategy
        : throw new ArgumentException($"Unknown routing strategy '{name}'. Known: {string.Join(", ", Names)}.", nameof(name));
}
