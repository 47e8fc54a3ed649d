using System.Globalization;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// The Redis key schema. Every per-tenant key carries the hash tag <c>{t:&lt;id&gt;}</c>, so all keys one
/// script touches live in one Cluster slot; the API-key index and the tenant list live elsewhere and
/// are only read or written by single commands.
/// </summary>
internal static class TenantKeys
{
    /// <summary>Pub/sub channel carrying the id of a tenant whose definition or keys changed.</summary>
    public static readonly RedisChannel Changes = RedisChannel.Literal("sy:tenants:changed");

    /// <summary>Set of every tenant id.</summary>
    public static readonly RedisKey Index = "sy:tenants";

    /// <summary>API key (SHA-256, hex) to tenant id; "!" + id once revoked.</summary>
    public static RedisKey ApiKey(string keyHash) => "sy:keys:" + keyHash;

    public static string Prefix(string tenantId) => "sy:{t:" + tenantId + "}:";

    /// <summary>The tenant record (JSON).</summary>
    public static RedisKey Definition(string tenantId) => Prefix(tenantId) + "def";

    /// <summary>Sorted set: window entry (lease id) scored by admission time in ms.</summary>
    public static RedisKey WindowLog(string tenantId) => Prefix(tenantId) + "log";

    /// <summary>Hash: window entry to tokens counted, plus "sum", their total.</summary>
    public static RedisKey WindowTokens(string tenantId) => Prefix(tenantId) + "tok";

    /// <summary>Sorted set: concurrency lease id scored by expiry in ms.</summary>
    public static RedisKey Leases(string tenantId) => Prefix(tenantId) + "leases";

    /// <summary>
    /// Hash: one lease as admitted ("tok" reserved tokens, "day" the day key charged, "st" its state, "ep" the usage epoch),
    /// kept until the lease can no longer be settled, then briefly as finished so replays are recognised.
    /// </summary>
    public static RedisKey Lease(string tenantId, string leaseId) => Prefix(tenantId) + "lease:" + leaseId;

    /// <summary>
    /// Counter of the tenant's usage resets. A lease records the epoch it was admitted in, so one admitted before a
    /// reset cannot refund its forgotten reservation from the new counters. Never expires: a lease can outlive any TTL it would have.
    /// </summary>
    public static RedisKey UsageEpoch(string tenantId) => Prefix(tenantId) + "epoch";

    /// <summary>What each replica's block reserves in the tenant's limits (field: replica id; <see cref="AdmissionScripts.Block"/>).</summary>
    public static RedisKey Blocks(string tenantId) => Prefix(tenantId) + "blocks";

    /// <summary>Tokens used on a UTC day.</summary>
    public static RedisKey Day(string tenantId, DateTimeOffset utc) => Prefix(tenantId) + "day:" + utc.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Spend in micro-USD in a UTC month.</summary>
    public static RedisKey Month(string tenantId, DateTimeOffset utc) => Prefix(tenantId) + "month:" + utc.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    /// <summary>Every usage key of the tenant for the given moment (resets); all in the tenant's slot.</summary>
    public static RedisKey[] Usage(string tenantId, DateTimeOffset utc) =>
        [WindowLog(tenantId), WindowTokens(tenantId), Leases(tenantId), Day(tenantId, utc), Month(tenantId, utc), Blocks(tenantId)];
}
