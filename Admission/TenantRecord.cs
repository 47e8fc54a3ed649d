namespace Switchyard.Admission;

/// <summary>A tenant as stored: its definition and its keys (hashed).</summary>
public sealed record TenantRecord(TenantDefinition Definition, IReadOnlyList<TenantKey> Keys);

/// <summary>One API key of a tenant. Several can be active at once so keys can rotate.</summary>
/// <param name="Id">First 12 hex digits of the hash, for revocation and display.</param>
/// <param name="Prefix">The first characters of the plain key, for display.</param>
public sealed record TenantKey(string Id, string Prefix, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool Active => RevokedAt is null;
}

/// <summary>A tenant's usage now: the rolling minute, the UTC day and the UTC month.</summary>
public sealed record TenantUsage(string TenantId, long RequestsLastMinute, long TokensLastMinute, long ActiveLeases, long TokensToday, decimal SpendThisMonthUsd);

/// <summary>The outcome of revoking a key.</summary>
public enum KeyRevocation
{
    Revoked,
    TenantNotFound,
    KeyNotFound,
}
