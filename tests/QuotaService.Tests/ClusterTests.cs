using Switchyard.Admission;

namespace Switchyard.QuotaService.Tests;

/// <summary>Everything admission and administration send is valid on Redis Cluster: no command spans two slots.</summary>
[Trait("Category", "Redis")]
public sealed class ClusterTests(ClusterTestServer cluster) : IClassFixture<ClusterTestServer>
{
    private static readonly AdmissionRequest Chat = new("chat", 100);

    [Fact]
    public async Task Admission_the_fallback_hand_over_and_administration_run_on_a_cluster()
    {
        await using var router = await AdmissionClient.StartAsync(cluster.ConnectionString, o => o.ProbeInterval = TimeSpan.FromMilliseconds(100));
        var store = router.Store;
        var tenant = new TenantDefinition { Id = "cluster-" + Guid.NewGuid().ToString("N")[..8], Limits = new TenantLimits { RequestsPerMinute = 100, MaxConcurrency = 10 } };
        string[] keys = [ApiKeys.Generate(), ApiKeys.Generate(), ApiKeys.Generate()];
        await store.UpsertAsync(tenant, keys);
        var (issued, issuedKey) = (await store.IssueKeyAsync(tenant.Id))!.Value;

        Assert.All(await Task.WhenAll(keys.Append(issuedKey).Select(k => router.Admission.ResolveKeyAsync(k, default).AsTask())),
            resolution => Assert.Equal(KeyStatus.Found, resolution.Status));
        var settled = await router.Admission.AdmitAsync(tenant, Chat, default);
        var released = await router.Admission.AdmitAsync(tenant, Chat with { LeaseId = "cluster-lease-1" }, default);
        Assert.Equal(LeaseOutcome.Applied, await router.Admission.SettleAsync(settled.Lease!, new UsageReport(10, 20, 0.01m), default));
        Assert.Equal(LeaseOutcome.Applied, await router.Admission.ReleaseAsync(released.Lease!, default));
        Assert.Equal(LeaseOutcome.Unknown, await router.Admission.ReleaseAsync(tenant.Id, "never-admitted", default));

        // Local admissions while the store refuses, handed over once it serves again (the reconcile script's many keys).
        var broken = new TenantDefinition { Id = "broken-" + Guid.NewGuid().ToString("N")[..8] };
        await store.UpsertAsync(broken, []);
        var db = router.Redis.GetDatabase();
        await db.StringSetAsync(TenantKeys.WindowLog(broken.Id), "not a sorted set");
        Assert.True((await router.Admission.AdmitAsync(broken, Chat, default)).Degraded);
        var local = await router.Admission.AdmitAsync(tenant, Chat, default);
        Assert.True(local is { Admitted: true, Degraded: true });
        await db.KeyDeleteAsync(TenantKeys.WindowLog(broken.Id));
        await Poll.UntilAsync(async () => !(await router.Admission.AdmitAsync(tenant, Chat, default)).Degraded, TimeSpan.FromSeconds(10),
            "admission did not return to the store");
        Assert.True((await store.GetUsageAsync(tenant.Id))!.RequestsLastMinute >= 4);

        Assert.Equal(KeyRevocation.Revoked, await store.RevokeKeyAsync(tenant.Id, issued.Id));
        Assert.Contains(tenant.Id, (await store.ListAsync()).Select(r => r.Definition.Id));
        Assert.True(await store.ResetUsageAsync(tenant.Id));
        await store.ResetAllUsageAsync();
        Assert.True(await store.DeleteAsync(tenant.Id));
        Assert.True(await store.DeleteAsync(broken.Id));
        await Poll.UntilAsync(async () => (await router.Admission.ResolveKeyAsync(keys[0], default)).Status == KeyStatus.Unknown, TimeSpan.FromSeconds(1),
            "the deleted tenant's key still resolves");
    }
}
