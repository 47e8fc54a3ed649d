namespace Switchyard.AppHost.Cache;

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
