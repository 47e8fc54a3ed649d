using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
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
            await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TimeProvider.System, NullLogger<CapacityLimiter>.Instance, () => StoreTimeout)));
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
        var limiter = new CapacityLimiter(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TimeProvider.System, NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);
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
        var limiter = new CapacityLimiter(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TimeProvider.System, NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);

        var batch = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => limiter.TryAcquireAsync(deployment, 1, CancellationToken.None, share: 0.6).AsTask()));
        var interactive = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => limiter.TryAcquireAsync(deployment, 1, CancellationToken.None).AsTask()));

        Assert.Equal(6, batch.Count(r => r.Acquired));
        Assert.Equal(4, interactive.Count(r => r.Acquired));
    }

    [Theory]
    [InlineData(null, 3, 1, 40)]     // rpm: the 3 requests of second 0 leave the window at 60
    [InlineData(1_000, null, 500, 40)]  // tpm: 600 of second 0 must leave, then 300 + 500 fit
    [InlineData(1_000, null, 800, 50)]  // both buckets must leave: the one of second 10 at 70
    [InlineData(1_000, null, 1_200, 60)] // never fits: a whole window
    public async Task A_refusal_says_when_the_window_has_room_for_the_request(int? tpm, int? rpm, int tokens, int seconds)
    {
        var deployment = Make($"frees-{Guid.NewGuid():N}", rpm: rpm, tpm: tpm);
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start);
        var limiter = new CapacityLimiter(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), clock, NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);
        var first = rpm is { } limit
            ? await Task.WhenAll(Enumerable.Range(0, limit).Select(_ => limiter.TryAcquireAsync(deployment, 1, CancellationToken.None).AsTask()))
            : [await limiter.TryAcquireAsync(deployment, 600, CancellationToken.None)];
        clock.Advance(TimeSpan.FromSeconds(10));
        var second = tpm is null || (await limiter.TryAcquireAsync(deployment, 300, CancellationToken.None)).Acquired;
        clock.Advance(TimeSpan.FromSeconds(10));

        var refused = await limiter.TryAcquireAsync(deployment, tokens, CancellationToken.None);

        Assert.All(first, r => Assert.True(r.Acquired));
        Assert.True(second);
        Assert.False(refused.Acquired);
        Assert.Equal(TimeSpan.FromSeconds(seconds), refused.FreesIn);
    }

    [Fact]
    public async Task A_reset_empties_the_windows_of_every_deployment_named()
    {
        // Two windows in two hash slots: on Redis Cluster one DEL over both would be refused as cross-slot.
        var deployments = new[] { Make($"reset-a-{Guid.NewGuid():N}", rpm: 1, tpm: null), Make($"reset-b-{Guid.NewGuid():N}", rpm: 1, tpm: null) };
        var limiter = new CapacityLimiter(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), TimeProvider.System, NullLogger<CapacityLimiter>.Instance, () => StoreTimeout);
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
    public async Task A_breaker_opened_on_one_replica_is_skipped_by_another_within_a_second()
    {
        var one = new SharedCircuitBreakers(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), NullLogger<SharedCircuitBreakers>.Instance);
        var two = new SharedCircuitBreakers(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString), NullLogger<SharedCircuitBreakers>.Instance);
        await one.StartAsync(CancellationToken.None);
        await two.StartAsync(CancellationToken.None);

        var watch = Stopwatch.StartNew();
        one.Publish("dead-deployment", TimeSpan.FromSeconds(30));
        while (!two.IsOpenElsewhere("dead-deployment", DateTime.UtcNow) && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(5);
        }

        Assert.True(two.IsOpenElsewhere("dead-deployment", DateTime.UtcNow));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.False(one.IsOpenElsewhere("dead-deployment", DateTime.UtcNow)); // its own breaker already knows
        Assert.False(two.IsOpenElsewhere("dead-deployment", DateTime.UtcNow.AddSeconds(31)));
    }

    [Fact]
    public async Task With_the_store_down_capacity_checks_fail_open_quickly()
    {
        var deployment = Make("store-down", rpm: 1, tpm: null);
        var store = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");
        CapacityLimiter NewLimiter() => new(store, TimeProvider.System, NullLogger<CapacityLimiter>.Instance, () => TimeSpan.FromMilliseconds(100));
        // A first failure on another limiter compiles the script's parameter binding and the failure path,
        // so the measurement below is the fail-open behaviour, not a cold start on a busy CI machine.
        await NewLimiter().TryAcquireAsync(deployment, 1, CancellationToken.None);
        var limiter = NewLimiter();

        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => limiter.TryAcquireAsync(deployment, 1, CancellationToken.None).AsTask()));

        Assert.All(results, r => Assert.True(r.Acquired && r.StoreUnavailable));
        // The store timeout is 100 ms; without failing open the calls would wait out the client's 5 s timeout.
        // The margin above 100 ms is for a loaded 2-core CI machine, where a continuation can wait for a pool thread.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    private static Deployment Make(string name, int? rpm, int? tpm) => TestDeployments.Create(name, rpm: rpm, tpm: tpm);
}
