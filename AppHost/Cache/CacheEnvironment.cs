namespace Switchyard.AppHost.Cache;

/// <summary>What the machine offers, as far as the cache choice is concerned.</summary>
/// <param name="IsPublishMode">The AppHost is producing a manifest rather than running.</param>
/// <param name="ContainerRuntimeHealthy">A container runtime answered its health probe.</param>
/// <param name="RedisServerPath">Full path of <c>redis-server</c> on PATH, if any.</param>
/// <param name="Override">Value of <c>SWITCHYARD_CACHE</c> (container, redis-server or garnet), if set.</param>
public sealed record CacheEnvironment(bool IsPublishMode, bool ContainerRuntimeHealthy, string? RedisServerPath, string? Override);
