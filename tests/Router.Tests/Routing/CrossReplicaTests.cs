using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Switchyard.Router.Routing;
using Switchyard.Tests;

namespace Switchyard.Router.Tests.Routing;

/// <summary>State that Router replicas share through a real Redis-compatible server.</summary>
[Trait("Category", "Redis")]
public sealed class CrossReplicaTests(RedisTestServer redis) : IClassFixture<RedisTestServer>
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Three_replicas_never_admit_more_than_a_deployments_rpm()
    {
        var deployment = Make($"rpm-{Guid.NewGuid():N}", rpm: 50, tpm: null);
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => new CapacityLimiter(
            await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TestStoreGate.Create(), NullLogger<CapacityLimiter>.Instance, () => StoreTimeout)));
        foreach (var replica in replicas)
        {
            await replica.WarmUpAsync(CancellationToken.None);
        }

        var results = await Task.WhenAll(replicas.SelectMany(replica => Enumerable.Range(0, 100).Select(_ =>
            replica.TryAcquireAsync(deployment, 10, CancellationToken.None).AsTask())));

        Assert.All(results, r => Assert.True(r.Checked));
        Assert.Equal(50, results.Count(r => r.Acquired));
    }

    [Fact]
    public async Task Tokens_per_minute_are_reserved_then_settled_to_actual_use()
    {
        var deployment = Make($"tpm-{Guid.NewGuid():N}", rpm: null, tpm: 1_000);
        var limiter = new CapacityLimiter(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TestStoreGate.Create(), NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);
        await limiter.WarmUpAsync(CancellationToken.None);

        var first = await limiter.TryAcquireAsync(deployment, 600, CancellationToken.None);
        var refused = await limiter.TryAcquireAsync(deployment, 600, CancellationToken.None);
        limiter.Settle(deployment, first, actualTokens: 100); // the call used far less than reserved
        await Task.Delay(100); // settlement is fire-and-forget
        var afterRefund = await limiter.TryAcquireAsync(deployment, 600, CancellationToken.None);

        Assert.True(first.Acquired);
        Assert.False(refused.Acquired);
        Assert.True(afterRefund.Acquired);
    }

    [Fact]
    public async Task A_lower_tier_is_shed_first_as_a_deployment_nears_capacity()
    {
        var deployment = Make($"tiers-{Guid.NewGuid():N}", rpm: 10, tpm: null);
        var limiter = new CapacityLimiter(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TestStoreGate.Create(), NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);

        var batch = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => limiter.TryAcquireAsync(deployment, 1, CancellationToken.None, share: 0.6).AsTask()));
        var interactive = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => limiter.TryAcquireAsync(deployment, 1, CancellationToken.None).AsTask()));

        Assert.Equal(6, batch.Count(r => r.Acquired));
        Assert.Equal(4, interactive.Count(r => r.Acquired));
    }

    [Theory]
    [InlineData(null, 3, 1, 40)]     // rpm: the 3 requests of second -20 leave the window at +40
    [InlineData(1_000, null, 500, 40)]  // tpm: the 600 of second -20 must leave, then 300 + 500 fit
    [InlineData(1_000, null, 800, 50)]  // both buckets must leave: the one of second -10 at +50
    [InlineData(1_000, null, 1_200, 60)] // never fits: a whole window
    public async Task A_refusal_says_when_the_window_has_room_for_the_request(int? tpm, int? rpm, int tokens, int seconds)
    {
        var deployment = Make($"frees-{Guid.NewGuid():N}", rpm: rpm, tpm: tpm);
        var store = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var limiter = new CapacityLimiter(store, TestStoreGate.Create(), NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);
        // The window is cut on the store's clock: what was admitted 20 s and 10 s ago is written in its buckets.
        var now = await CapacityWindow.StoreSecondsAsync(store);
        HashEntry[] earlier = rpm is { } limit
            ? [new($"r:{now - 20}", limit), new($"t:{now - 20}", limit)]
            : [new($"r:{now - 20}", 1), new($"t:{now - 20}", 600), new($"r:{now - 10}", 1), new($"t:{now - 10}", 300)];
        await store.GetDatabase().HashSetAsync(CapacityWindow.Key(deployment.Name), earlier);

        var refused = await limiter.TryAcquireAsync(deployment, tokens, CancellationToken.None);

        Assert.False(refused.Acquired);
        Assert.True(refused.Checked);
        // From the store's instant (after the second read above, within that second or the next) to the bucket's end.
        Assert.InRange(refused.FreesIn, TimeSpan.FromSeconds(seconds - 2), TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public async Task Capacity_windows_are_cut_on_the_stores_clock_not_the_replicas()
    {
        // No replica clock reaches the limiter: every replica's reservations land in the store's seconds.
        var deployment = Make($"clock-{Guid.NewGuid():N}", rpm: 10, tpm: null);
        var store = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var limiter = new CapacityLimiter(store, TestStoreGate.Create(), NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);

        var before = await CapacityWindow.StoreSecondsAsync(store);
        var reservation = await limiter.TryAcquireAsync(deployment, 5, CancellationToken.None);
        var after = await CapacityWindow.StoreSecondsAsync(store);

        Assert.True(reservation is { Acquired: true, Checked: true });
        Assert.InRange(reservation.Second, before, after);
        Assert.Equal(5, (long)await store.GetDatabase().HashGetAsync(CapacityWindow.Key(deployment.Name), $"t:{reservation.Second}"));
    }

    [Fact]
    public async Task Capacity_scripts_flushed_from_the_store_are_sent_again()
    {
        var deployment = Make($"noscript-{Guid.NewGuid():N}", rpm: 10, tpm: 1_000);
        var store = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var limiter = new CapacityLimiter(store, TestStoreGate.Create(), NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);
        await limiter.WarmUpAsync(CancellationToken.None);
        Assert.True((await limiter.TryAcquireAsync(deployment, 100, CancellationToken.None)).Checked);
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AllowAdmin = true;
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(options))
        {
            foreach (var endpoint in admin.GetEndPoints())
            {
                await admin.GetServer(endpoint).ScriptFlushAsync();
            }
        }

        // EVALSHA now answers NOSCRIPT; the client sends the script itself, so the check is still made.
        var after = await limiter.TryAcquireAsync(deployment, 100, CancellationToken.None);
        limiter.Settle(deployment, after, actualTokens: 10);

        Assert.True(after is { Acquired: true, Checked: true });
        Assert.Equal((2, 110), await Eventually.ReadAsync(() => CapacityWindow.ReadAsync(store, deployment.Name), window => window == (2, 110)));
    }

    [Fact]
    public async Task A_reset_empties_the_windows_of_every_deployment_named()
    {
        // Two windows in two hash slots: on Redis Cluster one DEL over both would be refused as cross-slot.
        var deployments = new[] { Make($"reset-a-{Guid.NewGuid():N}", rpm: 1, tpm: null), Make($"reset-b-{Guid.NewGuid():N}", rpm: 1, tpm: null) };
        var limiter = new CapacityLimiter(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TestStoreGate.Create(), NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);
        foreach (var deployment in deployments)
        {
            Assert.True((await limiter.TryAcquireAsync(deployment, 1, CancellationToken.None)).Acquired);
            Assert.False((await limiter.TryAcquireAsync(deployment, 1, CancellationToken.None)).Acquired);
        }

        await limiter.ResetAsync(deployments.Select(d => d.Name));

        foreach (var deployment in deployments)
        {
            Assert.True((await limiter.TryAcquireAsync(deployment, 1, CancellationToken.None)).Acquired, $"{deployment.Name} still full after the reset");
        }
    }

    [Fact]
    public async Task A_breaker_opened_on_one_replica_is_skipped_by_another_within_a_second_for_the_break_on_its_own_clock()
    {
        // The replicas' clocks are an hour apart: the opening travels as a duration, so both agree on it.
        var clockOne = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        var clockTwo = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var one = new SharedCircuitBreakers(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TestStoreGate.Create(clockOne), clockOne,
            NullLogger<SharedCircuitBreakers>.Instance);
        var two = new SharedCircuitBreakers(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TestStoreGate.Create(clockTwo), clockTwo,
            NullLogger<SharedCircuitBreakers>.Instance);
        await one.StartAsync(CancellationToken.None);
        await two.StartAsync(CancellationToken.None);

        var watch = Stopwatch.StartNew();
        one.Publish("dead-deployment", TimeSpan.FromSeconds(30));
        while (!two.IsOpenElsewhere("dead-deployment", clockTwo.GetUtcNow().UtcDateTime) && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(5);
        }

        Assert.True(two.IsOpenElsewhere("dead-deployment", clockTwo.GetUtcNow().UtcDateTime));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.False(one.IsOpenElsewhere("dead-deployment", clockOne.GetUtcNow().UtcDateTime)); // its own breaker already knows
        Assert.True(two.IsOpenElsewhere("dead-deployment", clockTwo.GetUtcNow().UtcDateTime.AddSeconds(29)));
        Assert.False(two.IsOpenElsewhere("dead-deployment", clockTwo.GetUtcNow().UtcDateTime.AddSeconds(31)));
    }

    [Fact]
    public async Task With_the_store_down_capacity_checks_fail_open_quickly()
    {
        var deployment = Make("store-down", rpm: 1, tpm: null);
        var store = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");
        var gate = TestStoreGate.Create();
        var limiter = new CapacityLimiter(store, gate, NullLogger<CapacityLimiter>.Instance, () => TimeSpan.FromMilliseconds(100));

        var first = await limiter.TryAcquireAsync(deployment, 1, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => limiter.TryAcquireAsync(deployment, 1, CancellationToken.None).AsTask()));

        Assert.True(first is { Acquired: true, StoreUnavailable: true });
        Assert.True(gate.IsDown);
        Assert.All(results, r => Assert.True(r.Acquired && r.StoreUnavailable));
        // The gate is closed: the checks do not even wait the 100 ms store timeout (generous for a loaded 2-core CI machine).
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(100), $"took {watch.Elapsed}");
    }

    private static Deployment Make(string name, int? rpm, int? tpm) => TestDeployments.Create(name, rpm: rpm, tpm: tpm);
}
