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

/// <summary>What the machine offers, as far as the cache choice is concerned.</summary>
/// <param name="IsPublishMode">The AppHost is producing a manifest rather than running.</param>
/// <param name="ContainerRuntimeHealthy">A container runtime answered its health probe.</param>
/// <param name="RedisServerPath">Full path of <c>redis-server</c> on PATH, if any.</param>
/// <param name="Override">Value of <c>SWITCHYARD_CACHE</c> (container, redis-server or garnet), if set.</param>
public sealed record CacheEnvironment(bool IsPublishMode, bool ContainerRuntimeHealthy, string? RedisServerPath, string? Override);

public static class CacheHostingSelector
{
    /// <summary>Environment variable that forces a choice in run mode (CI uses it to cover each server).</summary>
    public const string OverrideVariable = "SWITCHYARD_CACHE";

    /// <summary>Picks the hosting, with the reason to log.</summary>
    public static (CacheHosting Hosting, string Reason) Select(CacheEnvironment environment)
    {
        if (environment.IsPublishMode)
        {
            return (CacheHosting.Container, "publish mode always deploys Redis as a container");
        }

        if (!string.IsNullOrWhiteSpace(environment.Override))
        {
            return environment.Override.Trim().ToLowerInvariant() switch
            {
                "container" => (CacheHosting.Container, $"{OverrideVariable}=container"),
                "redis-server" when environment.RedisServerPath is not null => (CacheHosting.RedisServer, $"{OverrideVariable}=redis-server ({environment.RedisServerPath})"),
                "redis-server" => throw new InvalidOperationException($"{OverrideVariable}=redis-server but no redis-server was found on PATH."),
                "garnet" => (CacheHosting.Garnet, $"{OverrideVariable}=garnet"),
                var other => throw new InvalidOperationException($"{OverrideVariable}='{other}' is not one of: container, redis-server, garnet."),
            };
        }

        if (environment.ContainerRuntimeHealthy)
        {
            return (CacheHosting.Container, "a container runtime is healthy");
        }

        return environment.RedisServerPath is not null
            ? (CacheHosting.RedisServer, $"no healthy container runtime; redis-server found at {environment.RedisServerPath}")
            : (CacheHosting.Garnet, "no healthy container runtime and no redis-server on PATH; using embedded Garnet");
    }
}
