using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// API key to tenant, cached in-process. Entries are trusted for KeyCacheTtl; a change to a tenant is
/// published on <see cref="TenantKeys.Changes"/> and evicts its entries on every replica at once, so a
/// revoked or deleted key stops working as soon as the change arrives, even if the store cannot be asked
/// then. While the store is unreachable, expired entries are still served (last known good), so known
/// keys keep working. Keys the store does not know are refused for UnknownKeyCacheTtl without asking again.
/// </summary>
internal sealed class TenantDirectory(IConnectionMultiplexer redis, StoreGate gate, TimeProvider clock, IOptionsMonitor<AdmissionOptions> options)
{
    // Bounds the memory a client sending random keys can take; past it unknown keys are simply not remembered.
    private const int MaxUnknownKeys = 10_000;

    private readonly ConcurrentDictionary<string, CachedKey> _keys = new(StringComparer.Ordinal);

    // Key hash to when the store's "unknown" stops being trusted.
    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);

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

        if (cached is null && _unknown.TryGetValue(hash, out var unknownUntil) && unknownUntil > now)
        {
            return KeyResolution.Unknown;
        }

        var lookup = await LookUpOnceAsync(hash, cold: cached is null).WaitAsync(cancellationToken);
        if (!lookup.Answered)
        {
            // Whatever is still cached was not invalidated since: the last known good answer.
            return _keys.TryGetValue(hash, out var lastKnown) ? lastKnown.Resolution : KeyResolution.Unavailable;
        }

        // What raced with an invalidation is not cached: it may predate the change.
        var current = Volatile.Read(ref _generation) == lookup.Generation;
        if (lookup.TenantId is not null)
        {
            if (current)
            {
                _keys[hash] = new CachedKey(lookup.Resolution, lookup.TenantId, now + options.CurrentValue.KeyCacheTtl.Ticks);
                _unknown.TryRemove(hash, out _);
            }
        }
        else
        {
            _keys.TryRemove(hash, out _);
            if (current)
            {
                RememberUnknown(hash, now);
            }
        }

        return lookup.Resolution;
    }

    /// <summary>
    /// Forgets everything cached about the tenant (a published change) and every unknown key (the change
    /// may have created one): the next lookup asks the store, and if the store cannot answer, the key is
    /// unavailable rather than trusted.
    /// </summary>
    public void Invalidate(string tenantId)
    {
        Interlocked.Increment(ref _generation);
        _unknown.Clear();
        foreach (var (hash, entry) in _keys)
        {
            if (entry.TenantId == tenantId)
            {
                _keys.TryRemove(KeyValuePair.Create(hash, entry));
            }
        }
    }

    /// <summary>
    /// Marks every entry stale (after a reconnect, when changes may have been missed): each is asked again
    /// on next use, and kept as the last known good answer while the store cannot be asked.
    /// </summary>
    public void ExpireAll()
    {
        Interlocked.Increment(ref _generation);
        _unknown.Clear();
        foreach (var (hash, entry) in _keys)
        {
            _keys.TryUpdate(hash, entry with { ExpiresAt = 0 }, entry);
        }
    }

    private void RememberUnknown(string hash, long now)
    {
        var ttl = options.CurrentValue.UnknownKeyCacheTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        if (_unknown.Count >= MaxUnknownKeys)
        {
            foreach (var (stale, until) in _unknown)
            {
                if (until <= now)
                {
                    _unknown.TryRemove(KeyValuePair.Create(stale, until));
                }
            }

            if (_unknown.Count >= MaxUnknownKeys)
            {
                return;
            }
        }

        _unknown[hash] = now + ttl.Ticks;
    }

    private Task<Lookup> LookUpOnceAsync(string hash, bool cold)
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
                _ = CompleteAsync(hash, cold, lookup);
                return lookup.Task;
            }
        }
    }

    private async Task CompleteAsync(string hash, bool cold, TaskCompletionSource<Lookup> lookup)
    {
        try
        {
            var generation = Volatile.Read(ref _generation);
            // Not bound to the first caller's cancellation: the others wait on the same lookup. A key with a
            // last known good answer waits the store timeout; one without waits longer, as it has no fallback
            // (callers joining a lookup share its timeout; a cached one among them still has its answer).
            var timeout = cold ? options.CurrentValue.KeyLookupTimeout : (TimeSpan?)null;
            var (answered, loaded) = await gate.TryAsync("key lookup", () => LoadAsync(hash), CancellationToken.None, timeout);
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

        var record = TenantIds.IsValid(owner) ? TenantRecordJson.Parse(await db.StringGetAsync(TenantKeys.Definition(owner)), owner) : null;
        return record is null ? (KeyResolution.Unknown, null) : (KeyResolution.Found(record.Definition), owner);
    }

    private sealed record CachedKey(KeyResolution Resolution, string TenantId, long ExpiresAt);

    /// <summary>A store lookup's outcome, with the invalidation generation it started in.</summary>
    private sealed record Lookup(bool Answered, KeyResolution Resolution, string? TenantId, long Generation);
}
