using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// API key to tenant, cached in-process. Entries are trusted for KeyCacheTtl; a change to a tenant is
/// published on <see cref="TenantKeys.Changes"/> and makes its entries stale on every replica at once. While
/// the store is unreachable, expired entries are still served (last known good), so known keys keep working.
/// </summary>
internal sealed class TenantDirectory(IConnectionMultiplexer redis, StoreGate gate, TimeProvider clock, IOptionsMonitor<AdmissionOptions> options)
{
    private readonly ConcurrentDictionary<string, CachedKey> _keys = new(StringComparer.Ordinal);

    // One store lookup per key at a time: a burst of requests with a key not cached yet (a new replica, a
    // tenant just changed) waits on one lookup instead of sending one each, which under load could miss
    // the store timeout and fail them all.
    private readonly ConcurrentDictionary<string, Task<Lookup>> _lookups = new(StringComparer.Ordinal);

    // Bumped by every invalidation, so a lookup that raced with one does not cache what it read.
    private long _generation;

    public async ValueTask<KeyResolution> ResolveAsync(string apiKey, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(apiKey);
        var now = clock.GetUtcNow().UtcTicks;
        _keys.TryGetValue(hash, out var cached);
        if (cached is not null && cached.ExpiresAt > now)
        {
            return cached.Resolution;
        }

        var lookup = await LookUpOnceAsync(hash).WaitAsync(cancellationToken);
        if (!lookup.Answered)
        {
            return cached?.Resolution ?? KeyResolution.Unavailable;
        }

        // Unknown keys are not cached: a key created a moment later must work at once. What raced with
        // an invalidation is kept stale: asked again next time, but still the fallback during an outage.
        if (lookup.TenantId is not null)
        {
            var expiresAt = Volatile.Read(ref _generation) == lookup.Generation ? now + options.CurrentValue.KeyCacheTtl.Ticks : 0;
            _keys[hash] = new CachedKey(lookup.Resolution, lookup.TenantId, expiresAt);
        }

        return lookup.Resolution;
    }

    /// <summary>
    /// Marks everything cached about the tenant stale (a published change): the next lookup asks the
    /// store, and the stale entry remains only as the fallback while the store is unreachable.
    /// </summary>
    public void Invalidate(string tenantId) => Expire(tenantId);

    /// <summary>Marks every entry stale (after a reconnect, when changes may have been missed).</summary>
    public void ExpireAll() => Expire(tenantId: null);

    private void Expire(string? tenantId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _keys)
        {
            if (tenantId is null || entry.TenantId == tenantId)
            {
                _keys.TryUpdate(hash, entry with { ExpiresAt = 0 }, entry);
            }
        }
    }

    private Task<Lookup> LookUpOnceAsync(string hash)
    {
        while (true)
        {
            if (_lookups.TryGetValue(hash, out var running))
            {
                return running;
            }

            var lookup = new TaskCompletionSource<Lookup>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_lookups.TryAdd(hash, lookup.Task))
            {
                _ = CompleteAsync(hash, lookup);
                return lookup.Task;
            }
        }
    }

    private async Task CompleteAsync(string hash, TaskCompletionSource<Lookup> lookup)
    {
        try
        {
            var generation = Volatile.Read(ref _generation);
            // Not bound to the first caller's cancellation: the others wait on the same lookup.
            var (answered, loaded) = await gate.TryAsync(() => LoadAsync(hash), CancellationToken.None);
            lookup.SetResult(new Lookup(answered, loaded.Resolution, loaded.TenantId, generation));
        }
        catch (Exception e)
        {
            lookup.SetException(e);
        }
        finally
        {
            _lookups.TryRemove(KeyValuePair.Create(hash, lookup.Task));
        }
    }

    private async Task<(KeyResolution Resolution, string? TenantId)> LoadAsync(string hash)
    {
        var db = redis.GetDatabase();
        var owner = (string?)await db.StringGetAsync(TenantKeys.ApiKey(hash));
        if (owner is null)
        {
            return (KeyResolution.Unknown, null);
        }

        if (owner.StartsWith('!'))
        {
            return (KeyResolution.Revoked, owner[1..]);
        }

        var record = TenantRecordJson.Parse(await db.StringGetAsync(TenantKeys.Definition(owner)));
        return record is null ? (KeyResolution.Unknown, null) : (KeyResolution.Found(record.Definition), owner);
    }

    private sealed record CachedKey(KeyResolution Resolution, string TenantId, long ExpiresAt);

    /// <summary>A store lookup's outcome, with the invalidation generation it started in.</summary>
    private sealed record Lookup(bool Answered, KeyResolution Resolution, string? TenantId, long Generation);
}

internal static class TenantRecordJson
{
    public static TenantRecord? Parse(RedisValue json) =>
        json.IsNull ? null : JsonSerializer.Deserialize((string)json!, AdmissionJsonContext.Default.TenantRecord);

    public static string Serialize(TenantRecord record) => JsonSerializer.Serialize(record, AdmissionJsonContext.Default.TenantRecord);
}
