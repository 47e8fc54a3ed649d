using System.Text.Json;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Tenants' SigV4 access key pairs in the store: <c>sy:akeys:&lt;access key id&gt;</c> holds the pair
/// (JSON), <c>sy:{t:&lt;id&gt;}:akeys</c> the set of a tenant's access key ids. Revoking keeps the pair with
/// its revocation time, so a revoked key is told apart from an unknown one. A deleted tenant's pairs stop
/// working because the Router also needs the tenant's definition.
/// </summary>
public sealed class AccessKeyStore(IConnectionMultiplexer redis, TimeProvider clock)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>A new pair for the tenant; null when there is no such tenant.</summary>
    public async Task<AccessKeyPair?> IssueAsync(string tenantId)
    {
        if (!TenantIds.IsValid(tenantId) || !await Db.KeyExistsAsync(TenantKeys.Definition(tenantId)))
        {
            return null;
        }

        var pair = AccessKeyPair.Generate(tenantId, clock.GetUtcNow());
        await Db.StringSetAsync(PairKey(pair.AccessKeyId), Serialize(pair));
        await Db.SetAddAsync(TenantSet(tenantId), pair.AccessKeyId);
        return pair;
    }

    /// <summary>The tenant's pairs (with their secrets: callers show only what they should), or null when there is no such tenant.</summary>
    public async Task<IReadOnlyList<AccessKeyPair>?> ListAsync(string tenantId)
    {
        if (!TenantIds.IsValid(tenantId) || !await Db.KeyExistsAsync(TenantKeys.Definition(tenantId)))
        {
            return null;
        }

        var ids = (await Db.SetMembersAsync(TenantSet(tenantId))).Select(id => (string)id!).Where(AccessKeyPair.IsWellFormedId).Order(StringComparer.Ordinal).ToList();
        var pairs = new List<AccessKeyPair>(ids.Count);
        foreach (var id in ids)
        {
            if (await FindAsync(id) is { } pair && pair.TenantId == tenantId)
            {
                pairs.Add(pair);
            }
        }

        return pairs;
    }

    /// <summary>The pair of that access key id, revoked or not; null when unknown.</summary>
    public async Task<AccessKeyPair?> FindAsync(string accessKeyId) =>
        AccessKeyPair.IsWellFormedId(accessKeyId) && await Db.StringGetAsync(PairKey(accessKeyId)) is { HasValue: true } stored
            ? JsonSerializer.Deserialize((string)stored!, AdmissionJsonContext.Default.AccessKeyPair)
            : null;

    public async Task<KeyRevocation> RevokeAsync(string tenantId, string accessKeyId)
    {
        if (!TenantIds.IsValid(tenantId) || !await Db.KeyExistsAsync(TenantKeys.Definition(tenantId)))
        {
            return KeyRevocation.TenantNotFound;
        }

        if (await FindAsync(accessKeyId) is not { } pair || pair.TenantId != tenantId)
        {
            return KeyRevocation.KeyNotFound;
        }

        if (pair.Active)
        {
            await Db.StringSetAsync(PairKey(accessKeyId), Serialize(pair with { RevokedAt = clock.GetUtcNow() }));
        }

        return KeyRevocation.Revoked;
    }

    private static RedisKey PairKey(string accessKeyId) => "sy:akeys:" + accessKeyId;

    private static RedisKey TenantSet(string tenantId) => TenantKeys.Prefix(tenantId) + "akeys";

    private static string Serialize(AccessKeyPair pair) => JsonSerializer.Serialize(pair, AdmissionJsonContext.Default.AccessKeyPair);
}
