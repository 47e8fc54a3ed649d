using System.Runtime.CompilerServices;

namespace Switchyard.Router.Routing.Strategies;

/// <summary>
/// Rotates the starting deployment request by request. The position is kept per group on its
/// <see cref="ModelGroupState"/> (as YARP keeps its counters per cluster), so a configuration reload
/// goes on with the rotation instead of starting it over at the first deployment.
/// </summary>
public sealed class RoundRobinStrategy : IRoutingStrategy
{
    private readonly ConditionalWeakTable<ModelGroupState, Position> _positions = new();

    public string Name => "round-robin";

    public IEnumerable<Deployment> Order(ModelGroupState group, IReadOnlyList<Deployment> candidates)
    {
        if (candidates.Count == 0)
        {
            return [];
        }

        // Taken when called, not when enumerated: each call is one request's turn.
        var start = (int)(_positions.GetOrCreateValue(group).Next() % (uint)candidates.Count);
        return Rotated(candidates, start);
    }

    private static IEnumerable<Deployment> Rotated(IReadOnlyList<Deployment> candidates, int start)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            yield return candidates[(start + i) % candidates.Count];
        }
    }

    private sealed class Position
    {
        private uint _next;

        public uint Next() => Interlocked.Increment(ref _next);
    }
}
