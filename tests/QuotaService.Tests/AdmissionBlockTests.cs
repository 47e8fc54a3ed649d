using System.Diagnostics;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>
/// A busy tenant admitted from blocks of its limits (<see cref="AdmissionBlocks"/>), on the real scripts: far
/// fewer store calls than requests, nothing lost (every admission, settlement and release reaches the store's
/// counters), never more than a limit across replicas and never more than <see cref="TenantBlock.Share"/> under it.
/// </summary>
[Trait("Category", "Redis")]
public sealed class AdmissionBlockTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_busy_tenant_costs_the_store_a_fraction_of_a_call_per_request_and_loses_nothing()
    {
        const int Workers = 16, PerWorker = 250, Total = Workers * PerWorker;
        var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.BlockMinRate = 50);
        await using var observer = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { DailyTokenBudget = 100_000_000, MonthlySpendBudgetUsd = 1_000 });
        var session = new ProfilingSession();
        router.Redis.RegisterProfiler(() => session);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            var settled = new List<LeaseOutcome>();
            for (var i = 0; i < PerWorker; i++)
            {
                var decision = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100), default);
                Assert.True(decision.Admitted, $"refused: {decision.Reason}");
                settled.Add(await router.Admission.SettleAsync(decision.Lease!, new UsageReport(3, 4, 0.0001m), default));
            }

            return settled;
        }));
        var calls = session.FinishProfiling().Count(c => c.Command is "EVAL" or "EVALSHA");
        // Shutting down hands over what is left and returns the block.
        await router.DisposeAsync();

        Assert.All(outcomes.SelectMany(o => o), o => Assert.Equal(LeaseOutcome.Applied, o));
        Assert.True(calls <= 0.2 * Total, $"{calls} store script calls for {Total} admitted and settled requests");
        Assert.Equal(new TenantUsage(tenant.Id, Total, 7 * Total, 0, 7 * Total, 0.0001m * Total), await observer.Store.GetUsageAsync(tenant.Id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Three_replicas_on_blocks_admit_a_limit_exactly_never_more(bool byTokens)
    {
        // 6,000 requests a minute (or 600,000 tokens, 100 a request): a block may hold 20 requests on each replica.
        const long Requests = 6_000, Reserved = 100;
        var limits = byTokens ? new TenantLimits { TokensPerMinute = Requests * Reserved } : new TenantLimits { RequestsPerMinute = Requests };
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AdmissionClient.StartAsync(server.ConnectionString, o =>
        {
            o.ReplicaCount = 3;
            o.BlockMinRate = 50;
        })));
        try
        {
            var (tenant, _) = await replicas[0].CreateTenantAsync(limits);
            long admitted = 0, refused = 0, degraded = 0;
            var reasons = new HashSet<RejectionReason>();
            await Task.WhenAll(replicas.SelectMany(r => Enumerable.Range(0, 8).Select(async _ =>
            {
                // Until the limit has clearly been reached everywhere: blocks cycle and come back empty meanwhile.
                while (Interlocked.Read(ref refused) < 600)
                {
                    var decision = await r.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", Reserved), default);
                    if (decision.Degraded)
                    {
                        Interlocked.Increment(ref degraded);
                    }

                    if (decision.Admitted)
                    {
                        Interlocked.Increment(ref admitted);
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                        lock (reasons)
                        {
                            reasons.Add(decision.Reason!.Value);
                        }
                    }
                }
            })));

            Assert.InRange(admitted, (long)(Requests * (1 - TenantBlock.Share)), Requests);
            Assert.Equal([byTokens ? RejectionReason.TokensPerMinute : RejectionReason.RequestsPerMinute], reasons);
            await Poll.UntilAsync(async () => !await replicas[0].Redis.GetDatabase().KeyExistsAsync(TenantKeys.Blocks(tenant.Id)), Patience, "the blocks were not returned");
            // On a starved machine an admission can outlast the store timeout and be refused by the fallback while it
            // lands in the store: the hand-over on the store's recovery undoes it (LocalAdmissionReconciler), so wait for that.
            var waited = Stopwatch.StartNew();
            TenantUsage usage;
            while ((usage = (await replicas[0].Store.GetUsageAsync(tenant.Id))!).RequestsLastMinute != admitted && waited.Elapsed < Patience)
            {
                await Task.Delay(50);
            }

            Assert.True(usage.RequestsLastMinute == admitted, $"{admitted} admitted ({degraded} decided by the fallback), but the store counts {usage}");
            Assert.Equal(admitted * Reserved, usage.TokensLastMinute);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_busy_tenant_at_its_limit_is_refused_by_its_replica_without_a_round_trip_per_request()
    {
        const int Limit = 1_000, Workers = 8;
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.BlockMinRate = 50);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = Limit });
        long admitted = 0;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            while ((await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Admitted)
            {
                Interlocked.Increment(ref admitted);
            }
        }));
        var session = new ProfilingSession();
        router.Redis.RegisterProfiler(() => session);

        var refused = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            var decisions = new List<AdmissionDecision>();
            for (var i = 0; i < 250; i++)
            {
                decisions.Add(await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default));
            }

            return decisions;
        }));
        var calls = session.FinishProfiling().Count(c => c.Command is "EVAL" or "EVALSHA");

        Assert.InRange(admitted, (long)(Limit * (1 - TenantBlock.Share)), Limit);
        Assert.All(refused.SelectMany(d => d), d =>
        {
            Assert.False(d.Admitted);
            Assert.Equal(RejectionReason.RequestsPerMinute, d.Reason);
            Assert.InRange(d.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(60));
            Assert.Equal(0, d.RateLimits.RemainingRequests);
        });
        Assert.True(calls <= 0.2 * Workers * 250, $"{calls} store script calls for {Workers * 250} refused requests");
    }

    [Fact]
    public async Task A_replica_at_a_limit_does_not_refuse_for_room_its_own_block_holds()
    {
        // The store counts a block as used until its hand-over lands: a request the store refuses meanwhile was refused
        // for room the answer hands straight back (before the fix, 3 to 10 admitted right after a refusal, 1 run in 3).
        const int Limit = 1_000, Workers = 8, Rounds = 8;
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.BlockMinRate = 50);
        for (var round = 0; round < Rounds; round++)
        {
            var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = Limit });
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
            {
                while ((await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Admitted)
                {
                }
            }));

            var after = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
            {
                var admitted = 0;
                for (var i = 0; i < 50; i++)
                {
                    admitted += (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Admitted ? 1 : 0;
                }

                return admitted;
            }));
            Assert.True(after.Sum() == 0, $"round {round}: {after.Sum()} admitted after every worker was refused");
        }
    }

    [Fact]
    public async Task A_limit_too_small_for_a_block_is_admitted_one_request_at_a_time_and_exactly()
    {
        // 1 % of 150 is 1.5 requests: not a block of two.
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.BlockMinRate = 1);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 150 });

        var decisions = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var admitted = 0;
            for (var i = 0; i < 60; i++)
            {
                admitted += (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Admitted ? 1 : 0;
            }

            return admitted;
        }));

        Assert.Equal(150, decisions.Sum());
        Assert.False(await router.Redis.GetDatabase().KeyExistsAsync(TenantKeys.Blocks(tenant.Id)));
    }

    [Fact]
    public async Task A_lease_finished_before_its_hand_over_is_charged_once_with_its_actual_use()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o =>
        {
            o.BlockMinRate = 1;
            o.BlockInterval = TimeSpan.FromMilliseconds(200);
        });
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var first = await AdmitFromBlockAsync(router, tenant, 500);
        var second = await AdmitFromBlockAsync(router, tenant, 400);

        Assert.Equal(LeaseOutcome.Applied, await router.Admission.SettleAsync(first, new UsageReport(20, 30, 0.25m), default));
        Assert.Equal(LeaseOutcome.AlreadyFinished, await router.Admission.SettleAsync(first, new UsageReport(20, 30, 0.25m), default));
        Assert.Equal(LeaseOutcome.Applied, await router.Admission.ReleaseAsync(second, default));
        Assert.Equal(LeaseOutcome.AlreadyFinished, await router.Admission.ReleaseAsync(second, default));

        // The warm-up admission (500 tokens, never finished) is a store lease; the block's two are counted as settled and released.
        await Poll.UntilAsync(async () => !await router.Redis.GetDatabase().KeyExistsAsync(TenantKeys.Blocks(tenant.Id)), Patience, "the block was not returned");
        Assert.Equal(new TenantUsage(tenant.Id, 3, 500 + 50 + 400, 1, 500 + 50 + 400, 0.25m), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task A_lease_open_at_its_hand_over_is_settled_in_the_store()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o =>
        {
            o.BlockMinRate = 1;
            o.BlockInterval = TimeSpan.FromMilliseconds(50);
        });
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { MaxConcurrency = 1_000 });
        var lease = await AdmitFromBlockAsync(router, tenant, 300);
        await Poll.UntilAsync(async () => await router.Redis.GetDatabase().KeyExistsAsync(TenantKeys.Lease(tenant.Id, lease.LeaseId)), Patience, "the lease was not handed over");

        Assert.Equal(LeaseOutcome.Applied, await router.Admission.SettleAsync(lease, new UsageReport(100, 1, 0.5m), default));
        Assert.Equal(LeaseOutcome.AlreadyFinished, await router.Admission.SettleAsync(lease, new UsageReport(100, 1, 0.5m), default));
        await Poll.UntilAsync(async () => !await router.Redis.GetDatabase().KeyExistsAsync(TenantKeys.Blocks(tenant.Id)), Patience, "the block was not returned");
        Assert.Equal(new TenantUsage(tenant.Id, 2, 300 + 101, 1, 300 + 101, 0.5m), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task A_usage_reset_forgets_what_a_block_admitted_before_it()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o =>
        {
            o.BlockMinRate = 1;
            o.BlockInterval = TimeSpan.FromMilliseconds(200);
        });
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var lease = await AdmitFromBlockAsync(router, tenant, 700);

        Assert.True(await router.Store.ResetUsageAsync(tenant.Id));

        Assert.Equal(LeaseOutcome.Unknown, await router.Admission.SettleAsync(lease, new UsageReport(300, 300, 1m), default));
        await Poll.UntilAsync(async () => !await router.Redis.GetDatabase().KeyExistsAsync(TenantKeys.Blocks(tenant.Id)), Patience, "the block was not returned");
        Assert.Equal(new TenantUsage(tenant.Id, 0, 0, 0, 0, 0), await router.Store.GetUsageAsync(tenant.Id));
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task An_outage_while_on_blocks_loses_no_admission_charges_nothing_twice_and_settling_does_not_wait_for_it()
    {
        const long Reserved = 7;
        // Longer than a block lives: the store forgets the replica's block while it cannot hand it over.
        var outage = TimeSpan.FromSeconds(4);
        await using var observer = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var proxy = new TcpOutageProxy(server.Port);
        var router = await AdmissionClient.StartAsync(proxy.ConnectionString, o =>
        {
            o.BlockMinRate = 20;
            o.StoreTimeout = TimeSpan.FromMilliseconds(500);
            o.ProbeInterval = TimeSpan.FromMilliseconds(200);
        });
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 100_000, DailyTokenBudget = 100_000_000 });
        var store = observer.Redis.GetDatabase();
        long admitted = 0, local = 0, slowest = 0;
        var settled = new System.Collections.Concurrent.ConcurrentQueue<(AdmissionLease Lease, LeaseOutcome Outcome)>();
        using var stop = new CancellationTokenSource();

        // As the Router does: settlement runs beside the requests, nobody waits on it.
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var settling = new List<Task>();
            while (!stop.IsCancellationRequested)
            {
                var decision = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", Reserved), default);
                Assert.True(decision.Admitted, $"refused: {decision.Reason}");
                Interlocked.Increment(ref admitted);
                if (decision.Degraded)
                {
                    Interlocked.Increment(ref local);
                }

                settling.Add(Task.Run(async () =>
                {
                    var watch = Stopwatch.StartNew();
                    var outcome = await router.Admission.SettleAsync(decision.Lease!, new UsageReport(3, 4, 0.0001m), default);
                    InterlockedMax(ref slowest, watch.ElapsedMilliseconds);
                    settled.Enqueue((decision.Lease!, outcome));
                }));
                await Task.Delay(1);
            }

            await Task.WhenAll(settling);
        })).ToArray();

        await Poll.UntilAsync(async () => await store.HashLengthAsync(TenantKeys.Blocks(tenant.Id)) > 0, Patience, "no block was granted");
        await Task.Delay(300);
        proxy.Cut();
        await Task.Delay(outage);
        var localDuring = Interlocked.Read(ref local);
        proxy.Restore();
        var probes = 0;
        await Poll.UntilAsync(async () =>
        {
            // Each is admitted, locally until the store answers; left open (the store's admission stays open).
            probes++;
            return !(await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", Reserved), default)).Degraded;
        }, Patience, "admission did not return to the store");
        Interlocked.Add(ref admitted, probes);
        await Poll.UntilAsync(async () => await store.HashLengthAsync(TenantKeys.Blocks(tenant.Id)) > 0, Patience, "no block after the outage");
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(Patience);

        // A settlement the store did not answer may be repeated (so the Router could); one a block recorded goes with its hand-over.
        // Repeated while the store is still unavailable to this replica: under load (a fresh-clone CI run beside other test
        // assemblies) a store call after the restore can outlast Admission:StoreTimeout and close the gate for a probe interval.
        var again = new List<LeaseOutcome>();
        foreach (var (lease, _) in settled.Where(s => s.Outcome == LeaseOutcome.StoreUnavailable))
        {
            var outcome = LeaseOutcome.StoreUnavailable;
            await Poll.UntilAsync(async () => (outcome = await router.Admission.SettleAsync(lease, new UsageReport(3, 4, 0.0001m), default)) != LeaseOutcome.StoreUnavailable,
                Patience, "a repeated settlement found the store unavailable for the whole patience");
            again.Add(outcome);
        }

        await router.DisposeAsync();
        var usage = (await observer.Store.GetUsageAsync(tenant.Id))!;

        Assert.True(localDuring > 0, "nothing was admitted locally during the outage");
        Assert.True(slowest < outage.TotalMilliseconds / 2, $"a settlement waited {slowest} ms for a {outage.TotalMilliseconds} ms outage");
        Assert.DoesNotContain(settled, s => s.Outcome is LeaseOutcome.Unknown);
        Assert.All(again, o => Assert.True(o is LeaseOutcome.Applied or LeaseOutcome.AlreadyFinished, $"repeated settlement: {o}"));
        Assert.False(await store.KeyExistsAsync(TenantKeys.Blocks(tenant.Id)), "a block outlived its replica");
        // Every admission is in the window and on the day once, from a block, the store or locally; the store's probe is open.
        Assert.Equal(admitted, usage.RequestsLastMinute);
        Assert.Equal(admitted * Reserved, usage.TokensLastMinute);
        Assert.Equal(admitted * Reserved, usage.TokensToday);
        Assert.Equal(1, usage.ActiveLeases);
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task A_replica_that_falls_back_while_on_blocks_counts_what_its_blocks_admitted()
    {
        const long Limit = 6_000, Before = 3_000;
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var router = await AdmissionClient.StartAsync(proxy.ConnectionString, o =>
        {
            o.BlockMinRate = 20;
            // Generous: a fresh-clone CI run under full load once took longer than 500 ms for an admission before the
            // cut and fell back there. The cut itself fails calls at once (a closed connection), whatever the timeout.
            o.StoreTimeout = TimeSpan.FromSeconds(5);
            o.ProbeInterval = TimeSpan.FromSeconds(30);
        });
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = Limit });
        long before = 0;
        // Paced well within what its blocks (60 requests each) serve, so after the first block the store makes no admission itself.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Read(ref before) < Before)
            {
                var decision = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default);
                Assert.True(decision is { Admitted: true, Degraded: false }, $"refused or local before the cut: {decision.Reason}");
                Interlocked.Increment(ref before);
                await Task.Delay(3);
            }
        })));
        Assert.True(await router.Redis.GetDatabase().KeyExistsAsync(TenantKeys.Blocks(tenant.Id)), "the tenant was not on blocks");

        proxy.Cut();
        long after = 0;
        AdmissionDecision decision;
        while ((decision = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Admitted && after < Limit)
        {
            after++;
        }

        // The fallback starts from the window as the last hand-over reported it (the blocks' admissions included),
        // not as the last admission the store made itself (before the tenant was on blocks): it admits what is left.
        Assert.True(decision is { Degraded: true, Reason: RejectionReason.RequestsPerMinute }, $"{before} admitted before the cut, {after} after, then {decision.Reason}");
        Assert.InRange(before + after, Limit * 95 / 100, Limit * 105 / 100);
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task A_lease_finished_after_a_hand_over_whose_answer_was_lost_is_finished_in_the_store()
    {
        await using var observer = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var proxy = new TcpOutageProxy(server.Port);
        var router = await AdmissionClient.StartAsync(proxy.ConnectionString, o =>
        {
            o.BlockMinRate = 1;
            o.BlockInterval = TimeSpan.FromMilliseconds(50);
            o.StoreTimeout = TimeSpan.FromMilliseconds(300);
            o.ProbeInterval = TimeSpan.FromMilliseconds(200);
        });
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var settled = await AdmitFromBlockAsync(router, tenant, 400);
        var released = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 200), default)).Lease!;
        var store = observer.Redis.GetDatabase();

        // The next hand-over takes both to the store open, but its answer comes too late: the replica keeps them.
        proxy.ReplyDelay = TimeSpan.FromSeconds(1);
        await Poll.UntilAsync(async () => await store.KeyExistsAsync(TenantKeys.Lease(tenant.Id, settled.LeaseId))
            && await store.KeyExistsAsync(TenantKeys.Lease(tenant.Id, released.LeaseId)), Patience, "the hand-over did not reach the store");
        var settling = router.Admission.SettleAsync(settled, new UsageReport(20, 10, 0.5m), default).AsTask();
        var releasing = router.Admission.ReleaseAsync(released, default).AsTask();
        proxy.ReplyDelay = TimeSpan.Zero;
        await Task.WhenAll(settling, releasing);

        // Sent again, finished: the store, which has them open, finishes them rather than skipping them.
        await Poll.UntilAsync(async () => (string?)await store.HashGetAsync(TenantKeys.Lease(tenant.Id, settled.LeaseId), "st") == "1"
            && (string?)await store.HashGetAsync(TenantKeys.Lease(tenant.Id, released.LeaseId), "st") == "2", Patience, "the leases stayed open in the store");
        await router.DisposeAsync();
        // In the window the settled lease counts its 30 tokens, the released one its 200; only the warm-up store admission
        // is still open; the spend is charged once. (Read from the keys, not the usage, which counts a block this replica
        // may not have returned if the store failed it at shutdown too.)
        var window = TenantKeys.WindowTokens(tenant.Id);
        Assert.Equal(30, (long)await store.HashGetAsync(window, settled.LeaseId));
        Assert.Equal(200, (long)await store.HashGetAsync(window, released.LeaseId));
        Assert.Equal(1, await store.SortedSetLengthAsync(TenantKeys.Leases(tenant.Id)));
        Assert.Equal(0.5m, (await observer.Store.GetUsageAsync(tenant.Id))!.SpendThisMonthUsd);
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current && Interlocked.CompareExchange(ref location, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    /// <summary>
    /// Makes the tenant busy (one store admission of as many tokens, at a minimum rate of 1) unless it has a block,
    /// waits for the block, and admits from it: the admission makes no store call.
    /// </summary>
    private static async Task<AdmissionLease> AdmitFromBlockAsync(AdmissionClient router, TenantDefinition tenant, long tokens)
    {
        var db = router.Redis.GetDatabase();
        if (!await db.KeyExistsAsync(TenantKeys.Blocks(tenant.Id)))
        {
            Assert.True((await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", tokens), default)).Admitted);
            await Poll.UntilAsync(async () => await db.KeyExistsAsync(TenantKeys.Blocks(tenant.Id)), Patience, "no block was granted");
            // The grant's answer reaches the replica just after the store has it.
            await Task.Delay(50);
        }

        var session = new ProfilingSession();
        router.Redis.RegisterProfiler(() => session);
        var decision = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", tokens), default);
        router.Redis.RegisterProfiler(() => null);
        Assert.True(decision.Admitted);
        Assert.DoesNotContain(session.FinishProfiling(), c => c.Command is "EVAL" or "EVALSHA");
        return decision.Lease!;
    }
}
