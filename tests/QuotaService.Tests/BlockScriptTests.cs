using StackExchange.Redis;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>
/// The block hand-over script (<see cref="AdmissionScripts.Block"/>) driven directly with what a replica never sends
/// on a good day: a lease id twice in one call, a call sent again after its answer was lost, and a lease handed over
/// open and finished on the replica since: each entry counts exactly once.
/// </summary>
[Trait("Category", "Redis")]
public sealed class BlockScriptTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task Each_handed_over_lease_counts_once_however_often_it_is_sent()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits());
        var db = router.Redis.GetDatabase();
        var epoch = (string?)await db.StringGetAsync(TenantKeys.UsageEpoch(tenant.Id)) ?? "0";
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var settled = new Item("block-settled-1", Reserved: 100, State: 1, Actual: 40, Cost: 5);
        var open = new Item("block-opened-01", Reserved: 50, State: 0, Actual: 0, Cost: 0);

        var first = await HandOverAsync(db, tenant.Id, epoch, at, [settled, settled, open]);
        var usage = await router.Store.GetUsageAsync(tenant.Id);
        var again = await HandOverAsync(db, tenant.Id, epoch, at, [settled, open]);

        Assert.Equal(epoch, first);
        // The settled lease at its actual use, once; the open one at its reservation, holding a concurrency slot.
        Assert.Equal(new TenantUsage(tenant.Id, 2, 40 + 50, 1, 40 + 50, 0.000005m), usage);
        Assert.Equal(epoch, again);
        Assert.Equal(usage, await router.Store.GetUsageAsync(tenant.Id));

        // The open lease settled on the replica since: the next hand-over settles it in the store, and only that.
        await HandOverAsync(db, tenant.Id, epoch, at, [settled, open with { State = 1, Actual = 20, Cost = 7 }]);

        Assert.Equal(new TenantUsage(tenant.Id, 2, 40 + 20, 0, 40 + 20, 0.000012m), await router.Store.GetUsageAsync(tenant.Id));
    }

    /// <summary>One hand-over with no block wanted or kept and no limits, as <see cref="AdmissionBlocks"/> lays out its keys and arguments.</summary>
    private static async Task<string> HandOverAsync(
        IDatabase db, string tenantId, string epoch, long at, Item[] items)
    {
        var (day, month, previousDay) = new TenantKeySet(tenantId).CalendarFor(DateTimeOffset.UtcNow);
        List<RedisKey> keys =
        [
            TenantKeys.WindowLog(tenantId), TenantKeys.WindowTokens(tenantId), TenantKeys.Leases(tenantId), day, previousDay, month,
            TenantKeys.UsageEpoch(tenantId), TenantKeys.Blocks(tenantId),
        ];
        List<RedisValue> args = ["replica-under-test", epoch, items.Length];
        foreach (var item in items)
        {
            keys.Add(TenantKeys.Lease(tenantId, item.Id));
            args.AddRange([item.Id, at, at + 60_000, item.Reserved, item.State, item.Actual, item.Cost]);
        }

        args.AddRange([0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, 2_000]);
        var answer = (RedisResult[])(await db.ScriptEvaluateAsync(AdmissionScripts.Block, [.. keys], [.. args]))!;
        Assert.Equal(9, answer.Length);
        return (string)answer[3]!;
    }

    /// <summary>One entry of a hand-over: state 0 open, 1 settled, 2 released; cost in micro-USD.</summary>
    private readonly record struct Item(string Id, long Reserved, int State, long Actual, long Cost);
}
