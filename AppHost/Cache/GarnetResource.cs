namespace Switchyard.AppHost.Cache;

/// <summary>The embedded Garnet server (GarnetHost project) as the "cache" resource.</summary>
public sealed class GarnetResource(string name) : ProjectResource(name), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => LocalCacheEndpoint.ConnectionString(this);
}
