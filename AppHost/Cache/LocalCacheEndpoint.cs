namespace Switchyard.AppHost.Cache;

/// <summary>The single TCP endpoint both local cache servers listen on.</summary>
internal static class LocalCacheEndpoint
{
    public const string Name = "tcp";

    public static ReferenceExpression ConnectionString(IResourceWithEndpoints resource) =>
        ReferenceExpression.Create($"{new EndpointReference(resource, Name).Property(EndpointProperty.HostAndPort)}");
}
