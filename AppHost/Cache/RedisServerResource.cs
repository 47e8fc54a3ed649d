namespace Switchyard.AppHost.Cache;

/// <summary><c>redis-server</c> from PATH as the "cache" resource.</summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => LocalCacheEndpoint.ConnectionString(this);
}
