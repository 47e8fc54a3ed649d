using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>A tenant's settlements gathered over the batch window go to the store as one call, each with its own outcome.</summary>
[Trait("Category", "Redis")]
public sealed class SettlementBatchTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task Settlements_within_one_window_are_one_store_call_and_each_applies()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.SettlementBatchWindow = TimeSpan.FromMilliseconds(200));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 100_000, DailyTokenBudget = 100_000 });
        using var batches = new BatchSizes(router.Services);
        const int Leases = 40;
        var leases = new List<AdmissionLease>();
        for (var i = 0; i < Leases; i++)
        {
            leases.Add((await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100), default)).Lease!);
        }

        // Each used 10 of its 100 reserved tokens and cost a cent.
        var outcomes = await Task.WhenAll(leases.Select(lease => router.Admission.SettleAsync(lease, new UsageReport(6, 4, 0.01m), default).AsTask()));

        Assert.All(outcomes, outcome => Assert.Equal(LeaseOutcome.Applied, outcome));
        Assert.Equal(Leases, batches.Leases);
        Assert.InRange(batches.Calls, 1, 3);
        Assert.Equal(new TenantUsage(tenant.Id, Leases, Leases * 10, 0, Leases * 10, Leases * 0.01m), await router.Store.GetUsageAsync(tenant.Id));
    }

    [Fact]
    public async Task One_batch_answers_each_lease_as_the_store_found_it()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.SettlementBatchWindow = TimeSpan.FromMilliseconds(200));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 10_000 });
        var first = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 500), default)).Lease!;
        var second = (await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 500), default)).Lease!;
        await router.Admission.ReleaseAsync(second, default);
        using var batches = new BatchSizes(router.Services);

        // In arrival order, in one call: a settlement, its replay, a lease released before, and one the store never issued.
        var settled = router.Admission.SettleAsync(first, new UsageReport(100, 50, 0), default).AsTask();
        var replayed = router.Admission.SettleAsync(first, new UsageReport(999, 999, 0), default).AsTask();
        var afterRelease = router.Admission.SettleAsync(second, new UsageReport(1, 1, 0), default).AsTask();
        var forged = router.Admission.SettleAsync(tenant.Id, "forged-lease-0001", new UsageReport(1, 1, 0), default).AsTask();

        Assert.Equal([LeaseOutcome.Applied, LeaseOutcome.AlreadyFinished, LeaseOutcome.AlreadyFinished, LeaseOutcome.Unknown],
            await Task.WhenAll(settled, replayed, afterRelease, forged));
        Assert.Equal((4, 1), (batches.Leases, batches.Calls));
        // The first lease counts what it used, the released one its reservation (a release refunds nothing).
        var usage = await router.Store.GetUsageAsync(tenant.Id);
        Assert.Equal(150 + 500, usage?.TokensLastMinute);
    }

    [Fact]
    public async Task Without_a_window_each_settlement_is_its_own_call()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.SettlementBatchWindow = TimeSpan.Zero);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 10_000 });
        var leases = new List<AdmissionLease>();
        for (var i = 0; i < 3; i++)
        {
            leases.Add((await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 100), default)).Lease!);
        }

        using var batches = new BatchSizes(router.Services);
        var outcomes = await Task.WhenAll(leases.Select(lease => router.Admission.SettleAsync(lease, new UsageReport(1, 1, 0), default).AsTask()));

        Assert.All(outcomes, outcome => Assert.Equal(LeaseOutcome.Applied, outcome));
        Assert.Equal((3, 3), (batches.Leases, batches.Calls));
    }

    [Fact]
    public async Task A_batch_holds_at_most_the_largest_batch_and_the_rest_follows()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.SettlementBatchWindow = TimeSpan.FromSeconds(1));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var leases = new List<AdmissionLease>();
        for (var i = 0; i < SettlementBatcher.MaxBatch + 5; i++)
        {
            leases.Add((await router.Admission.AdmitAsync(tenant, new AdmissionRequest("chat", 10), default)).Lease!);
        }

        using var batches = new BatchSizes(router.Services);
        var outcomes = await Task.WhenAll(leases.Select(lease => router.Admission.SettleAsync(lease, new UsageReport(1, 1, 0), default).AsTask()));

        Assert.All(outcomes, outcome => Assert.Equal(LeaseOutcome.Applied, outcome));
        Assert.Equal([SettlementBatcher.MaxBatch, 5], batches.Sizes);
    }

    /// <summary>The batch sizes this process's admission recorded (its own meter factory's meter only).</summary>
    private sealed class BatchSizes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<int> _sizes = [];

        public BatchSizes(IServiceProvider services)
        {
            var factory = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Switchyard.Admission" && instrument.Meter.Scope == factory && instrument.Name == "switchyard.admission.settlement_batch")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
            {
                lock (_sizes)
                {
                    _sizes.Add(size);
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<int> Sizes
        {
            get
            {
                lock (_sizes)
                {
                    return [.. _sizes];
                }
            }
        }

        public int Leases => Sizes.Sum();

        public int Calls => Sizes.Count;

        public void Dispose() => _listener.Dispose();
    }
}
