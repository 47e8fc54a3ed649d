using Switchyard.Router.Routing.Strategies;

namespace Switchyard.Router.Routing;

/// <summary>
/// A model group as clients name it: its deployments, how to choose among them, where to fall back, and whether cut streams are continued.
/// Rebuilt with every table; its <see cref="State"/> is kept across reloads.
/// </summary>
public sealed record ModelGroup(string Name, ModelGroupState State, IReadOnlyList<Deployment> Deployments, IRoutingStrategy Strategy, IReadOnlyList<Fallback> Fallbacks, bool ContinueStreams = false)
{
    /// <summary>Largest max_tokens every deployment of the group takes: the smallest of theirs, so any of them can serve.</summary>
    public int MaxOutputTokens { get; } = Deployments.Count == 0 ? ModelOutputLimits.Default : Deployments.Min(d => d.MaxOutputTokens);

    /// <summary>The group's deployments in its strategy's order for one attempt.</summary>
    public IEnumerable<Deployment> Ordered() => Strategy.Order(State, Deployments);
}
