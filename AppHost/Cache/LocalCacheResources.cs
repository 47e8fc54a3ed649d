namespace Switchyard.AppHost.Cache;

/// <summary><c>redis-server</c> from PATH as the "cache" resource.</summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => LocalCacheEndpoint.ConnectionString(this);
}

/// <summary>The embedded Garnet server (GarnetHost project) as the "cache" resource.</summary>
public sealed class GarnetResource(string name) : ProjectResource(name), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => LocalCacheEndpoint.ConnectionString(this);
}

/// <summary>The single TCP endpoint both local cache servers listen on.</summary>
internal static class LocalCacheEndpoint
{
    public const string Name = "tcp";

    public static ReferenceExpression ConnectionString(IResourceWithEndpoints resource) =>
        ReferenceExpression.Create($"{new EndpointReference(resource, Name).Property(EndpointProperty.HostAndPort)}");
}
