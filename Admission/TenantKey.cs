namespace Switchyard.Admission;

/// <summary>One API key of a tenant. Several can be active at once so keys can rotate.</summary>
/// <param name="Id">First 12 hex digits of the hash, for revocation and display.</param>
/// <param name="Prefix">The first characters of the plain key, for display.</param>
public sealed record TenantKey(string Id, string Prefix, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool Active => RevokedAt is null;
}
