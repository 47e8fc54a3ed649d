using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>Leases as the store keeps them: bounded amounts, settled once with the stored reservation, named by tenant and id.</summary>
[Trait("Category", "Redis")]
public sealed class LeaseTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    private static readonly TenantUsage Nothing = new("", 0, 0, 0, 0, 0);

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(AdmissionBounds.MaxTokens + 1)]
    [InlineData(long.MaxValue)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public async Task An_absurd_reservation_is_refused_and_charges_nothing(long reserved)
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 1_000, DailyTokenBudget = 10_000 });

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", reserved), default).AsTask());

        Assert.Equal(Nothing with { TenantId = tenant.Id }, await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task The_largest_reservation_is_admitted_and_settles_back_down()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());

        var admitted = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", AdmissionBounds.MaxTokens), default);
        Assert.Equal(AdmissionBounds.MaxTokens, (await router.Store.GetUsageAsync(tenant.Id))!.TokensToday);
        var settled = await router.Admission.SettleAsync(admitted.Lease!, new UsageReport(AdmissionBounds.MaxTokens, AdmissionBounds.MaxTokens, AdmissionBounds.MaxCostUsd), default);

        Assert.Equal(LeaseOutcome.Applied, settled);
        Assert.Equal(new TenantUsage(tenant.Id, 1, 2 * AdmissionBounds.MaxTokens, 0, 2 * AdmissionBounds.MaxTokens, AdmissionBounds.MaxCostUsd),
            await router.Store.GetUsageAsync(tenant.Id));
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(0, -1, 0)]
    [InlineData(AdmissionBounds.MaxTokens + 1, 0, 0)]
    [InlineData(0, long.MaxValue, 0)]
    [InlineData(0, 0, -0.000001)]
    [InlineData(0, 0, 100_000.01)]
    public async Task Usage_outside_the_bounds_is_refused_and_the_lease_stays_open(long input, long output, double cost)
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 1_000 });
        var lease = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 500), default)).Lease!;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            router.Admission.SettleAsync(lease, new UsageReport(input, output, (decimal)cost), default).AsTask());

        Assert.Equal(new TenantUsage(tenant.Id, 1, 500, 1, 500, 0), await router.Store.GetUsageAsync(tenant.Id));
        Assert.Equal(LeaseOutcome.Applied, await router.Admission.SettleAsync(lease, new UsageReport(1, 2, 0), default));
    }

    [Theory]
    [InlineData("sum", "10")]
    [InlineData("lease-id-ok", "-5")]
    [InlineData("lease-id-ok", "0")]
    [InlineData("lease-id-ok", "2147483648")]
    [InlineData("lease-id-ok", "1.5")]
    [InlineData("lease-id-ok", "many")]
    [InlineData("lease id {x}", "10")]
    public async Task The_admission_script_itself_refuses_bad_arguments(string leaseId, string tokens)
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var db = router.Redis.GetDatabase();
        var now = DateTimeOffset.UtcNow;

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(AdmissionScripts.Admit,
            [TenantKeys.WindowLog(tenant.Id), TenantKeys.WindowTokens(tenant.Id), TenantKeys.Leases(tenant.Id), TenantKeys.Day(tenant.Id, now),
                TenantKeys.Month(tenant.Id, now), TenantKeys.Lease(tenant.Id, leaseId), TenantKeys.UsageEpoch(tenant.Id)],
            [leaseId, tokens, -1, -1, -1, -1, -1, 60_000, 0]))!;

        Assert.Equal(-1, (long)result[0]);
        Assert.Equal(Nothing with { TenantId = tenant.Id }, await router.Store.GetUsageAsync(tenant.Id));
    }

    [Theory]
    [InlineData("-1", "0")]
    [InlineData("200000001", "0")]
    [InlineData("1.5", "0")]
    [InlineData("10", "-1")]
    [InlineData("10", "100000000001")]
    public async Task The_settlement_script_itself_refuses_bad_arguments(string actual, string microUsd)
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var lease = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 500), default)).Lease!;
        var now = DateTimeOffset.UtcNow;

        var result = await router.Redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Settle,
            [TenantKeys.WindowTokens(tenant.Id), TenantKeys.Leases(tenant.Id), TenantKeys.Day(tenant.Id, now),
                TenantKeys.Day(tenant.Id, now.AddDays(-1)), TenantKeys.Month(tenant.Id, now), TenantKeys.UsageEpoch(tenant.Id), TenantKeys.Lease(tenant.Id, lease.LeaseId)],
            [1, lease.LeaseId, actual, microUsd]);

        Assert.Equal([-1L], (long[])result!);
        Assert.Equal(new TenantUsage(tenant.Id, 1, 500, 1, 500, 0), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task Settlement_uses_the_stored_reservation_and_applies_once()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 1_000, DailyTokenBudget = 1_000 });
        var lease = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 800), default)).Lease!;

        // The caller's copy claims a far larger reservation (and to be a local lease): not what the store refunds.
        var inflated = lease with { ReservedTokens = AdmissionBounds.MaxTokens, AdmittedAt = lease.AdmittedAt.AddDays(-1), Degraded = true };
        var settled = await router.Admission.SettleAsync(inflated, new UsageReport(60, 40, 0.5m), default);
        var replayed = await router.Admission.SettleAsync(lease, new UsageReport(0, 0, 0), default);
        var released = await router.Admission.ReleaseAsync(lease, default);

        Assert.Equal([LeaseOutcome.Applied, LeaseOutcome.AlreadyFinished, LeaseOutcome.AlreadyFinished], [settled, replayed, released]);
        Assert.Equal(new TenantUsage(tenant.Id, 1, 100, 0, 100, 0.5m), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task An_entry_settled_at_zero_tokens_leaves_the_window_like_any_other()
    {
        // Lua 5.1 (Redis) makes -0 of a purge that frees 0 tokens, which Redis refuses as an integer: every
        // later admission of the tenant failed in the store and fell back to local limits, until entries with tokens
        // left the window in the same purge (a minute or more).
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        var lease = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 50), default)).Lease!;
        Assert.Equal(LeaseOutcome.Applied, await router.Admission.SettleAsync(lease, new UsageReport(0, 0, 0), default));
        // Ages the entry out of the window without waiting a minute.
        await router.Redis.GetDatabase().SortedSetAddAsync(TenantKeys.WindowLog(tenant.Id), lease.LeaseId, DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds());

        var next = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 50), default);

        Assert.True(next.Admitted);
        Assert.False(next.Degraded);
        Assert.Equal(new TenantUsage(tenant.Id, 1, 50, 1, 50, 0), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task A_forged_or_foreign_lease_changes_nothing()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (owner, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        var (other, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        var lease = (await router.Admission.AdmitAsync(owner, new AdmissionRequest("chat", 500), default)).Lease!;
        var otherLease = (await router.Admission.AdmitAsync(other, new AdmissionRequest("chat", 300), default)).Lease!;

        var foreign = await router.Admission.SettleAsync(other.Id, lease.LeaseId, new UsageReport(1, 1, 1), default);
        var foreignRelease = await router.Admission.ReleaseAsync(other.Id, lease.LeaseId, default);
        var invented = await router.Admission.SettleAsync(owner.Id, Guid.NewGuid().ToString("N"), new UsageReport(1, 1, 1), default);
        await Assert.ThrowsAsync<ArgumentException>(() => router.Admission.SettleAsync(owner.Id, "sum", new UsageReport(1, 1, 1), default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => router.Admission.ReleaseAsync("Other{Tenant}", lease.LeaseId, default).AsTask());

        Assert.Equal([LeaseOutcome.Unknown, LeaseOutcome.Unknown, LeaseOutcome.Unknown], [foreign, foreignRelease, invented]);
        Assert.Equal(new TenantUsage(owner.Id, 1, 500, 1, 500, 0), await router.Store.GetUsageAsync(owner.Id));
        Assert.Equal(new TenantUsage(other.Id, 1, 300, 1, 300, 0), await router.Store.GetUsageAsync(other.Id));
        Assert.Equal(LeaseOutcome.Applied, await router.Admission.SettleAsync(lease, new UsageReport(10, 10, 0), default));
        Assert.Equal(LeaseOutcome.Applied, await router.Admission.ReleaseAsync(otherLease, default));
    }

    [Fact]
    public async Task A_lease_is_held_until_the_request_deadline_at_most_the_lease_duration_and_settles_after_it()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.LeaseDuration = TimeSpan.FromMinutes(2));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { MaxConcurrency = 1 });

        var short1 = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10) { LeaseTimeout = TimeSpan.FromMilliseconds(300) }, default);
        var blocked = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default);
        await Task.Delay(500);
        var capped = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10) { LeaseTimeout = TimeSpan.FromHours(1) }, default);
        // The first request outran its deadline: its slot is gone, but its usage is still charged.
        var late = await router.Admission.SettleAsync(short1.Lease!, new UsageReport(5, 5, 0.25m), default);

        Assert.Equal(TimeSpan.FromMilliseconds(300), short1.Lease!.ExpiresAt - short1.Lease.AdmittedAt);
        Assert.Equal(RejectionReason.Concurrency, blocked.Reason);
        Assert.True(capped.Admitted);
        Assert.Equal(TimeSpan.FromMinutes(2), capped.Lease!.ExpiresAt - capped.Lease.AdmittedAt);
        Assert.Equal(LeaseOutcome.Applied, late);
        Assert.Equal(new TenantUsage(tenant.Id, 2, 20, 1, 20, 0.25m), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task A_lease_record_outlives_its_slot_by_the_settle_grace_and_a_finished_one_is_kept_two_minutes()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.LeaseDuration = TimeSpan.FromMinutes(2));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var lease = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Lease!;
        var db = router.Redis.GetDatabase();
        var record = TenantKeys.Lease(tenant.Id, lease.LeaseId);

        var open = await db.KeyTimeToLiveAsync(record);
        await router.Admission.SettleAsync(lease, new UsageReport(1, 1, 0), default);
        var finished = await db.KeyTimeToLiveAsync(record);

        Assert.InRange(open!.Value, TimeSpan.FromMinutes(12) - TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(12));
        Assert.InRange(finished!.Value, TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task A_caller_chosen_lease_id_cleans_up_an_admission_whose_answer_never_came()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { MaxConcurrency = 1 });

        // The admission landed: releasing its id frees the slot.
        var landed = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10) { LeaseId = "landed-0001" }, default);
        var releasedLanded = await router.Admission.ReleaseAsync(tenant.Id, "landed-0001", default);
        var next = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10) { LeaseId = "next-00001" }, default);
        // The admission had not landed yet: the release comes first, and the admission can then never land.
        var releasedEarly = await router.Admission.ReleaseAsync(tenant.Id, "in-flight-01", default);
        await router.Admission.ReleaseAsync(next.Lease!, default);
        var lateArrival = await Assert.ThrowsAsync<LeaseConflictException>(() =>
            router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10) { LeaseId = "in-flight-01" }, default).AsTask());
        var reused = await Assert.ThrowsAsync<LeaseConflictException>(() =>
            router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10) { LeaseId = "landed-0001" }, default).AsTask());

        Assert.Equal("landed-0001", landed.Lease!.LeaseId);
        Assert.Equal(LeaseOutcome.Applied, releasedLanded);
        Assert.True(next.Admitted);
        Assert.Equal(LeaseOutcome.Unknown, releasedEarly);
        Assert.Contains("in-flight-01", lateArrival.Message);
        Assert.Contains("landed-0001", reused.Message);
        Assert.Equal(new TenantUsage(tenant.Id, 2, 20, 0, 20, 0), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task A_lease_admitted_before_midnight_and_settled_after_it_corrects_its_own_day()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 23, 59, 59, TimeSpan.Zero));
        // Settled on its own: the fake clock that stands at midnight would also hold a batch's timer.
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.SettlementBatchWindow = TimeSpan.Zero, clock);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { DailyTokenBudget = 1_000 });
        var admittedDay = TenantKeys.Day(tenant.Id, clock.GetUtcNow());

        var lease = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 800), default)).Lease!;
        clock.Advance(TimeSpan.FromSeconds(2));
        var settled = await router.Admission.SettleAsync(lease, new UsageReport(100, 50, 0), default);

        Assert.Equal(LeaseOutcome.Applied, settled);
        var db = router.Redis.GetDatabase();
        Assert.Equal(150, (long)await db.StringGetAsync(admittedDay));
        Assert.False(await db.KeyExistsAsync(TenantKeys.Day(tenant.Id, clock.GetUtcNow())));
    }

    [Fact]
    public async Task Settling_after_a_usage_reset_leaves_no_counter_below_zero()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 1_000 });
        var lease = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 800), default)).Lease!;

        await router.Store.ResetUsageAsync(tenant.Id);
        var settled = await router.Admission.SettleAsync(lease, new UsageReport(10, 10, 0), default);

        // The reset forgot the lease with its reservation.
        Assert.Equal(LeaseOutcome.Unknown, settled);
        Assert.Equal(Nothing with { TenantId = tenant.Id }, await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task A_lease_from_before_a_usage_reset_takes_nothing_from_what_is_counted_after_it()
    {
        // A request still streaming when usage is reset (a scenario replay, a test's setup) settles later: its
        // refund of 780 tokens must not come off the next request's day, nor its cost land in the new month.
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 1_000 });
        var before = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 800), default)).Lease!;
        await router.Store.ResetUsageAsync(tenant.Id);
        var after = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100), default)).Lease!;

        var settledBefore = await router.Admission.SettleAsync(before, new UsageReport(10, 10, 0.25m), default);
        var settledAfter = await router.Admission.SettleAsync(after, new UsageReport(30, 20, 0.5m), default);

        Assert.Equal([LeaseOutcome.Unknown, LeaseOutcome.Applied], [settledBefore, settledAfter]);
        Assert.Equal(new TenantUsage(tenant.Id, 1, 50, 0, 50, 0.5m), await router.Store.GetUsageAsync(tenant.Id));
    }
}
