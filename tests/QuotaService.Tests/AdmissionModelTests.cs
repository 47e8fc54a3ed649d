using System.Diagnostics;
using CsCheck;
using Switchyard.Admission;
using Switchyard.Tests;
using Xunit.Abstractions;

namespace Switchyard.QuotaService.Tests;

/// <summary>
/// Random sequences of admissions, settlements, releases, replays, forged and foreign settlements and
/// store outages (the outage proxy cut and restored), run against the real scripts on the test server
/// by one replica, checked after every step against a model of what the replica was told: never more
/// admitted than the rpm limit nor more in flight than the concurrency limit, no store counter below
/// zero, every lease settled at most once, forged and foreign leases changing nothing. While nothing
/// went wrong the store's counters must equal the model's exactly. CsCheck shrinks a failing sequence
/// and prints its seed (set CsCheck_Seed to replay it).
/// </summary>
[Trait("Category", "Redis")]
public sealed class AdmissionModelTests(RedisTestServer server, ITestOutputHelper output) : IClassFixture<RedisTestServer>
{
    private static readonly Gen<Op> Ops = Gen.Frequency(
        (6, Gen.Int[1, 300].Select(tokens => (Op)new Admit(tokens))),
        (4, Gen.Select(Gen.Int[0, 99], Gen.Int[0, 200], Gen.Int[0, 200], Gen.Int[0, 5_000], (lease, input, output, microUsd) => (Op)new Settle(lease, input, output, microUsd))),
        (2, Gen.Int[0, 99].Select(lease => (Op)new Release(lease))),
        (2, Gen.Int[0, 2].Select(kind => (Op)new Forged((ForgeryKind)kind))),
        (2, Gen.Const((Op)new Cut())),
        (2, Gen.Const((Op)new Restore())));

    private static readonly Gen<TenantLimits> Limits = Gen.Select(Gen.Int[1, 6], Gen.Int[1, 3], Gen.Int[200, 1_200],
        (rpm, concurrency, tpm) => new TenantLimits { RequestsPerMinute = rpm, MaxConcurrency = concurrency, TokensPerMinute = tpm });

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task Random_admissions_settlements_forgeries_and_outages_keep_every_invariant()
    {
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var router = await AdmissionClient.StartAsync(proxy.ConnectionString, o =>
        {
            // Short enough that a sequence with outages stays far inside one rolling minute.
            o.StoreTimeout = TimeSpan.FromMilliseconds(500);
            o.ProbeInterval = TimeSpan.FromMilliseconds(50);
            o.LeaseDuration = TimeSpan.FromMinutes(5);
        });
        await using var observer = await AdmissionClient.StartAsync(server.ConnectionString);

        await Gen.Select(Limits, Ops.Array[1, 20]).SampleAsync(
            async (limits, ops) =>
            {
                await ClearOfMidnightAsync();
                await new ModelRun(router, observer, proxy, limits).RunAsync(ops);
            },
            writeLine: output.WriteLine, iter: 25, threads: 1);
    }

    /// <summary>
    /// The model has no calendar: a sequence that spans UTC midnight would see the store's daily counter
    /// (and at a month's end its monthly spend) start again. A sequence takes a few seconds, so one that
    /// would start within half a minute of midnight waits for it to pass.
    /// </summary>
    private static async Task ClearOfMidnightAsync()
    {
        var now = TimeProvider.System.GetUtcNow();
        var untilMidnight = now.Date.AddDays(1) - now.UtcDateTime;
        if (untilMidnight < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(untilMidnight + TimeSpan.FromSeconds(1));
        }
    }

    private abstract record Op;

    private sealed record Admit(int Tokens) : Op;

    /// <summary>Settles the lease at this index (modulo the leases so far): open, settled, released or lost.</summary>
    private sealed record Settle(int Lease, int Input, int Output, int MicroUsd) : Op;

    private sealed record Release(int Lease) : Op;

    private sealed record Forged(ForgeryKind Kind) : Op;

    private sealed record Cut : Op;

    private sealed record Restore : Op;

    private enum ForgeryKind
    {
        /// <summary>Settles a lease id nobody issued.</summary>
        InventedSettle,

        /// <summary>Settles another tenant's live lease under this tenant.</summary>
        ForeignSettle,

        /// <summary>Releases another tenant's live lease under this tenant.</summary>
        ForeignRelease,
    }

    private enum State
    {
        Open,
        Settled,
        Released,

        /// <summary>Settled or released while the store did not answer: not in flight any more, maybe not applied.</summary>
        Lost,
    }

    private sealed class ModelLease(string id, bool degraded, long reserved)
    {
        public string Id { get; } = id;

        public bool Degraded { get; } = degraded;

        public long Reserved { get; } = reserved;

        public State State { get; set; }

        public long Actual { get; set; }

        public long MicroUsd { get; set; }

        public override string ToString() => $"{(Degraded ? "local" : "store")} {Reserved} {State}";
    }

    private sealed class ModelRun(AdmissionClient router, AdmissionClient observer, TcpOutageProxy proxy, TenantLimits limits)
    {
        private readonly List<ModelLease> _leases = [];

        // Ids released under this tenant that it never had: remembered as released (so a late admission cannot
        // land). Null: a release whose answer was lost, which may or may not have been remembered.
        private bool? _foreignRemembered = false;
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();
        private TenantDefinition _tenant = null!;
        private TenantDefinition _other = null!;
        private AdmissionLease _otherLease = null!;
        private bool _cut;

        // Something went wrong (an outage, a timeout, a local decision): the store may hold more than the
        // model knows, so only the bounds are checked, not exact equality.
        private bool _trouble;

        // The replica admitted or refused locally: it has something to hand over to the store.
        private bool _decidedLocally;

        private long Admitted => _leases.Count;

        private long InFlight => _leases.Count(l => l.State == State.Open);

        private long WindowTokens => _leases.Sum(l => l.State == State.Settled ? l.Actual : l.Reserved);

        public async Task RunAsync(Op[] ops)
        {
            _tenant = new TenantDefinition { Id = "model-" + Guid.NewGuid().ToString("N")[..12], Limits = limits };
            _other = new TenantDefinition { Id = "other-" + Guid.NewGuid().ToString("N")[..12] };
            await observer.Store.UpsertAsync(_tenant, []);
            await observer.Store.UpsertAsync(_other, []);
            // The previous sequence may have left the replica deciding locally: wait until the store serves it.
            await Poll.UntilAsync(async () => (await router.Admission.AdmitAsync(_other, new AdmissionRequest("chat", 1), default)) is { Degraded: false, Lease: { } lease }
                && (_otherLease = lease) is not null, TimeSpan.FromSeconds(10), "the store never served the replica again");
            try
            {
                foreach (var op in ops)
                {
                    await StepAsync(op);
                    await CheckAsync(op);
                }
            }
            finally
            {
                if (_cut)
                {
                    await RestoreAsync();
                }
            }

            // The rpm invariant assumes one rolling minute and the fallback's even-drain estimate of the shared window.
            Assert.True(_elapsed.Elapsed < TimeSpan.FromSeconds(6), $"the sequence took {_elapsed.Elapsed}, too long for its invariants");
        }

        private Task StepAsync(Op op) => op switch
        {
            Admit admit => AdmitAsync(admit.Tokens),
            Settle settle => FinishAsync(settle.Lease, new UsageReport(settle.Input, settle.Output, settle.MicroUsd / 1_000_000m)),
            Release release => FinishAsync(release.Lease, usage: null),
            Forged forged => ForgeAsync(forged.Kind),
            Cut => CutAsync(),
            _ => RestoreAsync(),
        };

        private async Task AdmitAsync(int tokens)
        {
            var decision = await router.Admission.AdmitAsync(_tenant, new AdmissionRequest("chat", tokens), default);
            if (_cut)
            {
                Assert.True(decision.Degraded, "decided by a store that was cut off");
            }

            if (!_trouble && !decision.Degraded)
            {
                // Nothing went wrong: the model knows the whole window, and so the decision.
                RejectionReason? expected = Admitted + 1 > limits.RequestsPerMinute ? RejectionReason.RequestsPerMinute
                    : WindowTokens + tokens > limits.TokensPerMinute ? RejectionReason.TokensPerMinute
                    : InFlight + 1 > limits.MaxConcurrency ? RejectionReason.Concurrency
                    : null;
                Assert.Equal(expected, decision.Reason);
            }

            _trouble |= decision.Degraded;
            _decidedLocally |= decision.Degraded;
            if (decision.Lease is { } lease)
            {
                _leases.Add(new ModelLease(lease.LeaseId, lease.Degraded, tokens));
                Assert.True(Admitted <= limits.RequestsPerMinute, $"{Admitted} admitted with rpm {limits.RequestsPerMinute}");
                Assert.True(InFlight <= limits.MaxConcurrency, $"{InFlight} in flight with max concurrency {limits.MaxConcurrency}");
            }
            else
            {
                Assert.Contains(decision.Reason, new RejectionReason?[] { RejectionReason.RequestsPerMinute, RejectionReason.TokensPerMinute, RejectionReason.Concurrency });
            }
        }

        private async Task FinishAsync(int index, UsageReport? usage)
        {
            if (_leases.Count == 0)
            {
                return;
            }

            var lease = _leases[index % _leases.Count];
            var outcome = usage is { } report
                ? await router.Admission.SettleAsync(_tenant.Id, lease.Id, report, default)
                : await router.Admission.ReleaseAsync(_tenant.Id, lease.Id, default);
            LeaseOutcome[] allowed = (lease.State, lease.Degraded) switch
            {
                // The replica's own leases are settled where they were admitted, whatever the store is doing.
                (State.Open, true) => [LeaseOutcome.Applied],
                (_, true) => [LeaseOutcome.AlreadyFinished],
                (_, false) when _cut => [LeaseOutcome.StoreUnavailable],
                (State.Open, false) => [LeaseOutcome.Applied, LeaseOutcome.StoreUnavailable],
                // A lost settlement may have landed after all; retrying it is safe either way.
                (State.Lost, false) => [LeaseOutcome.Applied, LeaseOutcome.AlreadyFinished, LeaseOutcome.StoreUnavailable],
                _ => [LeaseOutcome.AlreadyFinished, LeaseOutcome.StoreUnavailable],
            };
            Assert.Contains(outcome, allowed);
            _trouble |= outcome == LeaseOutcome.StoreUnavailable || lease.State == State.Lost;
            if (outcome == LeaseOutcome.Applied)
            {
                lease.State = usage is null ? State.Released : State.Settled;
                lease.Actual = usage is { } applied ? applied.InputTokens + applied.OutputTokens : 0;
                lease.MicroUsd = usage is { } charged ? (long)(charged.CostUsd * 1_000_000m) : 0;
            }
            else if (outcome == LeaseOutcome.StoreUnavailable && lease.State == State.Open)
            {
                lease.State = State.Lost;
            }
        }

        private async Task ForgeAsync(ForgeryKind kind)
        {
            var before = await UsageAsync();
            var outcome = kind switch
            {
                ForgeryKind.InventedSettle => await router.Admission.SettleAsync(_tenant.Id, Guid.NewGuid().ToString("N"), new UsageReport(50, 50, 1m), default),
                ForgeryKind.ForeignSettle => await router.Admission.SettleAsync(_tenant.Id, _otherLease.LeaseId, new UsageReport(50, 50, 1m), default),
                _ => await router.Admission.ReleaseAsync(_tenant.Id, _otherLease.LeaseId, default),
            };

            LeaseOutcome[] allowed = (kind, _foreignRemembered) switch
            {
                _ when _cut => [LeaseOutcome.StoreUnavailable],
                (ForgeryKind.InventedSettle, _) => [LeaseOutcome.Unknown, LeaseOutcome.StoreUnavailable],
                (_, false) => [LeaseOutcome.Unknown, LeaseOutcome.StoreUnavailable],
                (_, true) => [LeaseOutcome.AlreadyFinished, LeaseOutcome.StoreUnavailable],
                _ => [LeaseOutcome.Unknown, LeaseOutcome.AlreadyFinished, LeaseOutcome.StoreUnavailable],
            };
            Assert.Contains(outcome, allowed);
            _trouble |= outcome == LeaseOutcome.StoreUnavailable;
            if (kind == ForgeryKind.ForeignRelease)
            {
                _foreignRemembered = outcome == LeaseOutcome.StoreUnavailable ? (_foreignRemembered == true ? true : null) : true;
            }

            // The other tenant's counters never move here. This tenant's may, once the store is back, as the
            // replica hands its local decisions over, and as it sends again the settlements and releases the store did
            // not answer (the model's lost leases; CsCheck seed 0001tq_AHVK3 had one land between the two reads):
            // compared only when there were neither.
            var after = await UsageAsync();
            Assert.Equal(before.Other, after.Other);
            if (!_decidedLocally && !_leases.Any(l => l.State == State.Lost))
            {
                Assert.Equal(before.Tenant, after.Tenant);
            }
        }

        private Task CutAsync()
        {
            if (!_cut)
            {
                proxy.Cut();
                _cut = _trouble = true;
            }

            return Task.CompletedTask;
        }

        private async Task RestoreAsync()
        {
            if (!_cut)
            {
                return;
            }

            proxy.Restore();
            _cut = false;
            await Poll.UntilAsync(() => Task.FromResult(router.Redis.IsConnected), TimeSpan.FromSeconds(10), "the replica did not reconnect");
        }

        private async Task<(TenantUsage Tenant, TenantUsage Other)> UsageAsync() =>
            ((await observer.Store.GetUsageAsync(_tenant.Id))!, (await observer.Store.GetUsageAsync(_other.Id))!);

        private async Task CheckAsync(Op op)
        {
            var usage = (await observer.Store.GetUsageAsync(_tenant.Id))!;
            var context = $"after {op}: store {usage}, model [{string.Join(", ", _leases)}]";
            Assert.True(usage is { RequestsLastMinute: >= 0, TokensLastMinute: >= 0, ActiveLeases: >= 0, TokensToday: >= 0, SpendThisMonthUsd: >= 0 }, context);
            Assert.True(usage.RequestsLastMinute <= limits.RequestsPerMinute, context);
            Assert.True(usage.ActiveLeases <= limits.MaxConcurrency, context);
            if (!_trouble)
            {
                var expected = new TenantUsage(_tenant.Id, Admitted, WindowTokens, InFlight, WindowTokens,
                    _leases.Sum(l => l.MicroUsd) / 1_000_000m);
                Assert.True(expected == usage, $"expected {expected} {context}");
            }
        }
    }
}
