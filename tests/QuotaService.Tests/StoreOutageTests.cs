using System.Diagnostics;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

[Trait("Category", "Redis")]
public sealed class StoreOutageTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task During_an_outage_admission_is_quick_and_local_with_a_replica_share_then_shared_again()
    {
        // Created before the replica subscribes: the change notice of its creation would evict its key again.
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, apiKey) = await admin.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var router = await StartReplicaAsync(proxy, storeTimeout: TimeSpan.FromMilliseconds(50), probeInterval: TimeSpan.FromMilliseconds(200));
        // The first lookup may miss the tight timeout on a cold test process; it is cached once it succeeds.
        await Poll.UntilAsync(async () => (await router.Admission.ResolveKeyAsync(apiKey, default)).Status == KeyStatus.Found,
            TimeSpan.FromSeconds(10), "the key never resolved");

        proxy.Cut();
        var watch = Stopwatch.StartNew();
        var during = new List<AdmissionDecision>();
        for (var i = 0; i < 7; i++)
        {
            during.Add(await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default));
        }

        // Known keys keep resolving from the cache; unknown ones are neither accepted nor refused.
        var known = await router.Admission.ResolveKeyAsync(apiKey, default);
        var unseen = await router.Admission.ResolveKeyAsync("sk-sy-never-seen", default);
        var elapsed = watch.Elapsed;

        Assert.All(during, d => Assert.True(d.Degraded));
        Assert.Equal(5, during.Count(d => d.Admitted));
        Assert.Equal(RejectionReason.RequestsPerMinute, during[^1].Reason);
        Assert.Equal(5, during[^1].RateLimits.LimitRequests);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"decisions took {elapsed} during the outage");
        Assert.Equal(KeyStatus.Found, known.Status);
        Assert.Equal(KeyStatus.Unavailable, unseen.Status);
        await router.Admission.SettleAsync(during[0].Lease!, new UsageReport(1, 1, 0), default);

        proxy.Restore();
        AdmissionDecision? after = null;
        await Poll.UntilAsync(async () => !(after = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Degraded,
            TimeSpan.FromSeconds(10), "admission did not return to the shared store");

        // The 5 local admissions were written into the shared window before the store decided, so it counted
        // them: an entry that had reached the store already (an admission that timed out on the client) is
        // not counted twice, and a probe after the restore that timed out on the client and was refused
        // locally is undone should it have reached the store.
        Assert.True(after!.Admitted);
        Assert.Equal(4, after.RateLimits.RemainingRequests);
        Assert.Equal(6, (await admin.Store.GetUsageAsync(tenant.Id))!.RequestsLastMinute);
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task Local_admissions_reach_the_shared_window_after_an_outage_with_no_request_after_it()
    {
        await using var observer = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var router = await StartReplicaAsync(proxy, storeTimeout: TimeSpan.FromMilliseconds(500), probeInterval: TimeSpan.FromMilliseconds(200));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 100 });

        proxy.Cut();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)) is { Admitted: true, Degraded: true });
        }

        proxy.Restore();

        // The traffic stopped with the outage (or went to other replicas): the replica asks the store by itself.
        await Poll.UntilAsync(async () => (await observer.Store.GetUsageAsync(tenant.Id))!.RequestsLastMinute == 5, TimeSpan.FromSeconds(10),
            "the local admissions never reached the shared window");
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task Settlements_and_releases_the_store_did_not_answer_are_sent_again_once_it_answers()
    {
        await using var observer = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var router = await StartReplicaAsync(proxy, storeTimeout: TimeSpan.FromMilliseconds(500), probeInterval: TimeSpan.FromMilliseconds(200));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { MaxConcurrency = 2 });
        var settled = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100), default)).Lease!;
        var released = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100), default)).Lease!;
        Assert.False(settled.Degraded || released.Degraded);

        proxy.Cut();
        Assert.Equal(LeaseOutcome.StoreUnavailable, await router.Admission.SettleAsync(settled, new UsageReport(20, 10, 0.5m), default));
        Assert.Equal(LeaseOutcome.StoreUnavailable, await router.Admission.ReleaseAsync(released, default));
        proxy.Restore();

        // No request after the outage: the replica sends them again by itself, and the concurrency slots are free.
        await Poll.UntilAsync(async () => (await observer.Store.GetUsageAsync(tenant.Id))!.ActiveLeases == 0, TimeSpan.FromSeconds(10),
            "the leases stayed open after the outage");
        Assert.Equal(new TenantUsage(tenant.Id, 2, 30 + 100, 0, 30 + 100, 0.5m), await observer.Store.GetUsageAsync(tenant.Id));
        Assert.Equal(LeaseOutcome.AlreadyFinished, await router.Admission.SettleAsync(settled, new UsageReport(20, 10, 0.5m), default));
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task A_replica_that_falls_back_counts_its_share_of_what_the_shared_window_already_holds()
    {
        await using var proxy = new TcpOutageProxy(server.Port);
        // Patient enough that no admission before the cut falls back (which would count locally too).
        await using var router = await StartReplicaAsync(proxy, storeTimeout: TimeSpan.FromMilliseconds(500), probeInterval: TimeSpan.FromSeconds(30));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        for (var i = 0; i < 8; i++)
        {
            var admitted = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default);
            Assert.True(admitted is { Admitted: true, Degraded: false }, $"admission {i} before the cut was not made by the store");
        }

        proxy.Cut();
        var during = new List<AdmissionDecision>();
        for (var i = 0; i < 4; i++)
        {
            during.Add(await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default));
        }

        // The replica's share is 5 of the 10 per minute, and 4 of the 8 already in the shared window are its
        // share of those: one more fits, where an empty local window would have let all four through.
        Assert.All(during, d => Assert.True(d.Degraded));
        Assert.Equal(1, during.Count(d => d.Admitted));
        var refused = during[^1];
        Assert.Equal(RejectionReason.RequestsPerMinute, refused.Reason);
        Assert.Equal(0, refused.RateLimits.RemainingRequests);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(16));
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task A_replica_that_falls_back_counts_the_store_leases_it_still_holds()
    {
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var router = await AdmissionClient.StartAsync(proxy.ConnectionString, o =>
        {
            o.StoreTimeout = TimeSpan.FromMilliseconds(500);
            o.ProbeInterval = TimeSpan.FromSeconds(30);
        });
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { MaxConcurrency = 2 });
        var held = new[]
        {
            (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Lease!,
            (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Lease!,
        };
        Assert.All(held, lease => Assert.False(lease.Degraded));

        proxy.Cut();
        var full = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default);
        // The request ended: the store cannot be told, but this replica no longer counts it.
        var lost = await router.Admission.ReleaseAsync(held[0], default);
        var room = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default);

        Assert.True(full is { Degraded: true, Reason: RejectionReason.Concurrency });
        Assert.Equal(LeaseOutcome.StoreUnavailable, lost);
        Assert.True(room is { Degraded: true, Admitted: true });
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task A_new_key_waits_longer_for_a_slow_store_than_an_admission_does()
    {
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, apiKey) = await admin.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var router = await AdmissionClient.StartAsync(proxy.ConnectionString, o =>
        {
            o.StoreTimeout = TimeSpan.FromMilliseconds(100);
            o.KeyLookupTimeout = TimeSpan.FromSeconds(10);
            o.ProbeInterval = TimeSpan.FromMilliseconds(10);
        });

        proxy.ReplyDelay = TimeSpan.FromMilliseconds(400);
        var resolved = await router.Admission.ResolveKeyAsync(apiKey, default);
        var admitted = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default);

        // The key has no answer to fall back on, so it waits; the admission has its local limits, so it does not.
        Assert.Equal(KeyStatus.Found, resolved.Status);
        Assert.True(admitted is { Admitted: true, Degraded: true });
    }

    /// <summary>One of two replicas sharing the limits, reaching the store through the proxy.</summary>
    private static Task<AdmissionClient> StartReplicaAsync(TcpOutageProxy proxy, TimeSpan storeTimeout, TimeSpan probeInterval) =>
        AdmissionClient.StartAsync(proxy.ConnectionString, o =>
        {
            o.StoreTimeout = storeTimeout;
            o.ProbeInterval = probeInterval;
            o.ReplicaCount = 2;
        });
}
