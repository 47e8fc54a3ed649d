using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Tenant administration in the shared store: records, keys, usage and seeding. Every change is
/// published on <see cref="TenantKeys.Changes"/> so each Router replica drops what it cached about
/// the tenant within moments. Record updates are optimistic (compare-and-set), so concurrent
/// QuotaService replicas never lose each other's changes.
/// </summary>
public sealed class TenantStore(IConnectionMultiplexer redis, TimeProvider clock)
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<IReadOnlyList<TenantRecord>> ListAsync()
    {
        var ids = (await Db.SetMembersAsync(TenantKeys.Index)).Select(id => (string)id!).Order(StringComparer.Ordinal).ToList();
        var records = await Task.WhenAll(ids.Select(GetAsync));
        return [.. records.OfType<TenantRecord>()];
    }

    /// <summary>The tenant's record; null when it does not exist. Throws <see cref="StoreDataException"/> when it cannot be read.</summary>
    public async Task<TenantRecord?> GetAsync(string id) =>
        TenantIds.IsValid(id) ? TenantRecordJson.Parse(await Db.StringGetAsync(TenantKeys.Definition(id)), id) : null;

    /// <summary>Creates the tenant with one new key; null when the id is taken.</summary>
    public async Task<(TenantRecord Record, string ApiKey)?> CreateAsync(TenantDefinition definition)
    {
        EnsureValid(definition);
        var apiKey = ApiKeys.Generate();
        var record = new TenantRecord(definition, [ApiKeys.Describe(apiKey, clock.GetUtcNow())]);
        if (!await Db.StringSetAsync(TenantKeys.Definition(definition.Id), TenantRecordJson.Serialize(record), when: When.NotExists))
        {
            return null;
        }

        await Db.StringSetAsync(TenantKeys.ApiKey(record.Keys[0].Hash), definition.Id);
        await Db.SetAddAsync(TenantKeys.Index, definition.Id);
        await PublishAsync(definition.Id);
        return (record, apiKey);
    }

    /// <summary>Replaces the tenant's definition, keeping its keys; null when it does not exist.</summary>
    public async Task<TenantRecord?> UpdateAsync(TenantDefinition definition)
    {
        EnsureValid(definition);
        var record = await ChangeAsync(definition.Id, record => record with { Definition = definition });
        if (record is not null)
        {
            await PublishAsync(definition.Id);
        }

        return record;
    }

    /// <summary>Creates or updates the tenant and adds the given plain keys if it lacks them (idempotent; used for seeding).</summary>
    public async Task<TenantRecord> UpsertAsync(TenantDefinition definition, IEnumerable<string> apiKeys)
    {
        EnsureValid(definition);
        var now = clock.GetUtcNow();
        var wanted = apiKeys.Select(key => ApiKeys.Describe(key, now)).ToList();
        while (true)
        {
            var key = TenantKeys.Definition(definition.Id);
            var stored = await Db.StringGetAsync(key);
            var existing = TenantRecordJson.Parse(stored, definition.Id);
            var keys = (existing?.Keys ?? []).ToList();
            keys.AddRange(wanted.Where(w => keys.All(k => k.Hash != w.Hash)));
            var record = new TenantRecord(definition, keys);
            if (await CompareAndSetAsync(key, stored, record))
            {
                foreach (var active in record.Keys.Where(k => k.Active))
                {
                    await Db.StringSetAsync(TenantKeys.ApiKey(active.Hash), definition.Id);
                }

                await Db.SetAddAsync(TenantKeys.Index, definition.Id);
                await PublishAsync(definition.Id);
                return record;
            }
        }
    }

    /// <summary>
    /// Deletes the tenant, its keys and its usage; false when it does not exist. A record that cannot be
    /// read is deleted too (its keys then resolve as unknown, having no tenant), so deleting is the way out.
    /// </summary>
    public async Task<bool> DeleteAsync(string id)
    {
        if (!await ExistsAsync(id))
        {
            return false;
        }

        TenantRecord? record;
        try
        {
            record = await GetAsync(id);
        }
        catch (StoreDataException)
        {
            record = null;
        }

        // One DEL per slot: the key index entries hash to different slots on Redis Cluster.
        foreach (var key in record?.Keys ?? [])
        {
            await Db.KeyDeleteAsync(TenantKeys.ApiKey(key.Hash));
        }

        await Db.KeyDeleteAsync(TenantKeys.Definition(id));
        await ForgetUsageAsync(id);
        await Db.SetRemoveAsync(TenantKeys.Index, id);
        await PublishAsync(id);
        return true;
    }

    /// <summary>Adds a new key (rotation: the old ones stay valid until revoked); null when the tenant does not exist.</summary>
    public async Task<(TenantKey Key, string ApiKey)?> IssueKeyAsync(string id)
    {
        var apiKey = ApiKeys.Generate();
        var key = ApiKeys.Describe(apiKey, clock.GetUtcNow());
        if (await ChangeAsync(id, record => record with { Keys = [.. record.Keys, key] }) is null)
        {
            return null;
        }

        await Db.StringSetAsync(TenantKeys.ApiKey(key.Hash), id);
        await PublishAsync(id);
        return (key, apiKey);
    }

    /// <summary>Revokes the key with this id (or, if unambiguous, this display prefix); it then resolves as Revoked.</summary>
    public async Task<KeyRevocation> RevokeKeyAsync(string id, string keyIdOrPrefix)
    {
        TenantKey? revoked = null;
        var now = clock.GetUtcNow();
        var record = await ChangeAsync(id, record =>
        {
            var matches = record.Keys.Where(k => k.Id == keyIdOrPrefix).ToList() is { Count: 1 } byId
                ? byId
                : record.Keys.Where(k => k.Prefix == keyIdOrPrefix).ToList();
            revoked = matches.Count == 1 ? matches[0] : null;
            return revoked is null ? record : record with
            {
                Keys = [.. record.Keys.Select(k => k.Id == revoked.Id ? k with { RevokedAt = k.RevokedAt ?? now } : k)],
            };
        });
        if (record is null)
        {
            return KeyRevocation.TenantNotFound;
        }

        if (revoked is null)
        {
            return KeyRevocation.KeyNotFound;
        }

        await Db.StringSetAsync(TenantKeys.ApiKey(revoked.Hash), "!" + id);
        await PublishAsync(id);
        return KeyRevocation.Revoked;
    }

    /// <summary>Usage now (rolling minute, UTC day, UTC month); null when the tenant does not exist.</summary>
    public async Task<TenantUsage?> GetUsageAsync(string id)
    {
        if (!await ExistsAsync(id))
        {
            return null;
        }

        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(AdmissionScripts.Usage, TenantKeys.Usage(id, clock.GetUtcNow())))!;
        return new TenantUsage(id, (long)values[0], (long)values[1], (long)values[2], (long)values[3], (long)values[4] / 1_000_000m);
    }

    /// <summary>Empties the tenant's windows, leases and budgets (scenario resets); false when it does not exist.</summary>
    public async Task<bool> ResetUsageAsync(string id)
    {
        if (!await ExistsAsync(id))
        {
            return false;
        }

        await ForgetUsageAsync(id);
        return true;
    }

    /// <summary>Resets every tenant's usage.</summary>
    public async Task ResetAllUsageAsync()
    {
        foreach (var id in (await Db.SetMembersAsync(TenantKeys.Index)).Select(id => (string?)id).Where(TenantIds.IsValid))
        {
            await ForgetUsageAsync(id!);
        }
    }

    // Empties the usage and moves the tenant's epoch on in one script (AdmissionScripts.ResetUsage).
    private Task ForgetUsageAsync(string id) =>
        Db.ScriptEvaluateAsync(AdmissionScripts.ResetUsage, [.. TenantKeys.Usage(id, clock.GetUtcNow()), TenantKeys.UsageEpoch(id)]);

    private async Task<bool> ExistsAsync(string id) => TenantIds.IsValid(id) && await Db.KeyExistsAsync(TenantKeys.Definition(id));

    private async Task<TenantRecord?> ChangeAsync(string id, Func<TenantRecord, TenantRecord> change)
    {
        if (!TenantIds.IsValid(id))
        {
            return null;
        }

        var key = TenantKeys.Definition(id);
        while (true)
        {
            var stored = await Db.StringGetAsync(key);
            if (TenantRecordJson.Parse(stored, id) is not { } record)
            {
                return null;
            }

            var changed = change(record);
            if (await CompareAndSetAsync(key, stored, changed))
            {
                return changed;
            }
        }
    }

    private async Task<bool> CompareAndSetAsync(RedisKey key, RedisValue expected, TenantRecord record)
    {
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(expected.IsNull ? Condition.KeyNotExists(key) : Condition.StringEqual(key, expected));
        _ = transaction.StringSetAsync(key, TenantRecordJson.Serialize(record));
        return await transaction.ExecuteAsync();
    }

    // Ids become Redis hash tags: an invalid definition must never reach the store.
    private static void EnsureValid(TenantDefinition definition)
    {
        if (definition.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"Tenant '{definition.Id}' is invalid: {string.Join(" ", errors)}", nameof(definition));
        }
    }

    private Task PublishAsync(string id) => redis.GetSubscriber().PublishAsync(TenantKeys.Changes, id);
}
