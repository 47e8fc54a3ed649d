using Microsoft.Extensions.Options;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>The key cache forgets what it is told to forget, even when the store cannot be asked, and spares the store repeated unknown keys.</summary>
[Trait("Category", "Redis")]
public sealed class KeyCacheTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task A_revocation_that_arrives_while_the_store_cannot_be_asked_stops_the_key_at_once()
    {
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o =>
        {
            o.KeyCacheTtl = TimeSpan.FromMinutes(5);
            o.ProbeInterval = TimeSpan.FromSeconds(30);
        });
        var (tenant, revokedKey) = await admin.CreateTenantAsync(new TenantLimits());
        var (_, keptKey) = await admin.CreateTenantAsync(new TenantLimits());
        // Their creation notices, arriving late, would evict the keys cached below.
        await admin.ChangesReachedAsync(router);
        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(revokedKey, default)).Status);
        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(keptKey, default)).Status);
        await BreakStoreForAsync(router, admin);

        await admin.Store.RevokeKeyAsync(tenant.Id, ApiKeys.Hash(revokedKey)[..12]);

        // The change evicts the key; the store cannot be asked, so it is neither accepted nor refused.
        await Poll.UntilAsync(async () => (await router.Admission.ResolveKeyAsync(revokedKey, default)).Status == KeyStatus.Unavailable,
            TimeSpan.FromSeconds(1), "the revoked key was still served from the cache");
        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(keptKey, default)).Status);
    }

    [Fact]
    public async Task The_store_answering_unknown_evicts_the_cached_key()
    {
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o =>
        {
            o.KeyCacheTtl = TimeSpan.FromMilliseconds(50);
            o.UnknownKeyCacheTtl = TimeSpan.Zero;
            o.ProbeInterval = TimeSpan.FromSeconds(30);
        });
        var (_, apiKey) = await admin.CreateTenantAsync(new TenantLimits());
        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(apiKey, default)).Status);

        // Gone from the store without a published change (one missed while disconnected, say).
        await admin.Redis.GetDatabase().KeyDeleteAsync(TenantKeys.ApiKey(ApiKeys.Hash(apiKey)));
        await Task.Delay(100);
        var unknown = await router.Admission.ResolveKeyAsync(apiKey, default);
        await BreakStoreForAsync(router, admin);
        var duringOutage = await router.Admission.ResolveKeyAsync(apiKey, default);

        Assert.Equal(KeyStatus.Unknown, unknown.Status);
        Assert.Equal(KeyStatus.Unavailable, duringOutage.Status);
    }

    [Fact]
    public async Task Unknown_keys_are_refused_from_memory_for_a_while_and_forgotten_on_any_change()
    {
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        // Created before the replicas subscribe; its notice may still reach them (through a cluster) until awaited below.
        var (tenant, _) = await admin.CreateTenantAsync(new TenantLimits());
        await using var remembering = await AdmissionClient.StartAsync(server.ConnectionString, o => o.UnknownKeyCacheTtl = TimeSpan.FromMinutes(1));
        await using var forgetting = await AdmissionClient.StartAsync(server.ConnectionString, o => o.UnknownKeyCacheTtl = TimeSpan.Zero);
        await admin.ChangesReachedAsync(remembering, forgetting);
        var apiKey = ApiKeys.Generate();
        Assert.Equal(KeyStatus.Unknown, (await remembering.Admission.ResolveKeyAsync(apiKey, default)).Status);
        Assert.Equal(KeyStatus.Unknown, (await forgetting.Admission.ResolveKeyAsync(apiKey, default)).Status);

        // The key appears in the store without a published change: only a replica that asks again sees it.
        await admin.Redis.GetDatabase().StringSetAsync(TenantKeys.ApiKey(ApiKeys.Hash(apiKey)), tenant.Id);

        Assert.Equal(KeyStatus.Unknown, (await remembering.Admission.ResolveKeyAsync(apiKey, default)).Status);
        Assert.Equal(KeyStatus.Found, (await forgetting.Admission.ResolveKeyAsync(apiKey, default)).Status);
        await admin.Store.UpdateAsync(tenant with { DisplayName = "changed" });
        await Poll.UntilAsync(async () => (await remembering.Admission.ResolveKeyAsync(apiKey, default)).Status == KeyStatus.Found,
            TimeSpan.FromSeconds(1), "a published change did not clear the unknown keys");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(61)]
    public async Task The_unknown_key_cache_ttl_is_validated_at_start(int seconds)
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() =>
            AdmissionClient.StartAsync(server.ConnectionString, o => o.UnknownKeyCacheTtl = TimeSpan.FromSeconds(seconds)));
    }

    /// <summary>
    /// The store stops serving the replica (an error reply, as READONLY or OOM would give) while its
    /// connection, and so its subscription to changes, stays up: the gate stays shut for the probe interval.
    /// </summary>
    private static async Task BreakStoreForAsync(AdmissionClient router, AdmissionClient admin)
    {
        var (broken, _) = await admin.CreateTenantAsync(new TenantLimits());
        await admin.Redis.GetDatabase().StringSetAsync(TenantKeys.WindowLog(broken.Id), "not a sorted set");
        Assert.True((await router.Admission.AdmitAsync(broken, new AdmissionRequest("chat", 1), default)).Degraded);
    }
}
