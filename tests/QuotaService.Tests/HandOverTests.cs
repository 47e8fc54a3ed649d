using StackExchange.Redis;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>The reconcile script that hands a replica's local decisions to the store, driven directly with each case it meets.</summary>
[Trait("Category", "Redis")]
public sealed class HandOverTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task Each_local_admission_is_counted_once_late_landed_leases_are_freed_and_abandoned_ones_undone()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        // Landed in the store although the replica timed out and decided locally: admitted there too, or refused there.
        await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100) { LeaseId = "landed-00001" }, default);
        await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 200) { LeaseId = "abandoned-01" }, default);
        var now = DateTimeOffset.UtcNow;
        var t = tenant.Id;
        RedisKey[] keys =
        [
            TenantKeys.WindowLog(t), TenantKeys.WindowTokens(t), TenantKeys.Day(t, now), TenantKeys.Leases(t), TenantKeys.UsageEpoch(t),
            TenantKeys.Lease(t, "landed-00001"), TenantKeys.Lease(t, "local-000001"), TenantKeys.Lease(t, "abandoned-01"), TenantKeys.Lease(t, "never-landed"),
        ];
        RedisValue[] values = [2, "landed-00001", now.ToUnixTimeMilliseconds(), 100, "local-000001", now.ToUnixTimeMilliseconds(), 50, "abandoned-01", "never-landed"];
        var db = router.Redis.GetDatabase();

        var added = (long)await db.ScriptEvaluateAsync(AdmissionScripts.Reconcile, keys, values);
        var usage = await router.Store.GetUsageAsync(t);
        var again = (long)await db.ScriptEvaluateAsync(AdmissionScripts.Reconcile, keys, values);

        Assert.Equal(1, added);
        Assert.Equal(0, again);
        // The late-landed admission counted once, its store lease freed (the local one is live); the abandoned one gone.
        Assert.Equal(new TenantUsage(t, 2, 150, 0, 150, 0), usage);
        Assert.Equal(usage, await router.Store.GetUsageAsync(t));
        // Handed-over leases are settled where they were admitted; the store knows them as no lease of its own.
        Assert.Equal(LeaseOutcome.Unknown, await router.Admission.SettleAsync(t, "landed-00001", new UsageReport(1, 1, 1), default));
        // An abandoned admission that had not landed cannot land any more.
        await Assert.ThrowsAsync<LeaseConflictException>(() =>
            router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10) { LeaseId = "never-landed" }, default).AsTask());
    }

    [Fact]
    public async Task An_abandoned_admission_from_before_a_usage_reset_is_not_undone_from_the_new_counters()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 200) { LeaseId = "abandoned-02" }, default);
        await router.Store.ResetUsageAsync(tenant.Id);
        await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100), default);
        var now = DateTimeOffset.UtcNow;
        var t = tenant.Id;
        RedisKey[] keys =
        [
            TenantKeys.WindowLog(t), TenantKeys.WindowTokens(t), TenantKeys.Day(t, now), TenantKeys.Leases(t), TenantKeys.UsageEpoch(t),
            TenantKeys.Lease(t, "abandoned-02"),
        ];

        await router.Redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Reconcile, keys, [0, "abandoned-02"]);

        // The reset took its 200 tokens already; the request admitted since keeps its 100.
        Assert.Equal(new TenantUsage(t, 1, 100, 1, 100, 0), await router.Store.GetUsageAsync(t));
    }
}
