using Xunit;

namespace Switchyard.Tests;

/// <summary>
/// A test that needs the one server of a single-server <see cref="RedisTestServer"/> kind, such as a TCP
/// proxy cutting the store off: skipped, with the reason given, when the tests run against Redis Cluster.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SingleRedisServerFactAttribute : FactAttribute
{
    public SingleRedisServerFactAttribute(string reason)
    {
        if (RedisTestServer.IsCluster)
        {
            Skip = $"Single-server by nature on {RedisTestServer.ClusterKind}: {reason}";
        }
    }
}
