namespace Switchyard.AppHost.Cache;

/// <summary>How the "cache" resource is hosted. All three expose the same connection string name.</summary>
public enum CacheHosting
{
    /// <summary>Redis in a container (Aspire.Hosting.Redis): where a container runtime is healthy, and always when publishing.</summary>
    Container,

    /// <summary><c>redis-server</c> found on PATH, run as an executable resource.</summary>
    RedisServer,

    /// <summary>Embedded Redis-compatible server (Microsoft Garnet with Lua) in the GarnetHost project.</summary>
    Garnet,
}
