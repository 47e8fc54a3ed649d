using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using Switchyard.Admission;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing;

/// <summary>
/// Shares breaker openings between Router replicas over Redis pub/sub: when one replica's breaker
/// opens, every replica skips that deployment for the break duration (well within a second). Store
/// policy: local breakers only. While the process's store gate (<see cref="StoreGate"/>, shared with
/// admission and capacity checks) says the store is down, openings are not announced, and a replica
/// that could not subscribe hears none until the gate's probe finds the store back; openings heard
/// before still hold until they end. Every replica keeps its own breakers throughout.
/// </summary>
public sealed partial class SharedCircuitBreakers(IConnectionMultiplexer redis, StoreGate gate, TimeProvider clock, ILogger<SharedCircuitBreakers> logger)
    : IHostedService
{
    // Names this caller in the store gate's log.
    private const string Caller = "breaker sharing";

    private static readonly RedisChannel Channel = RedisChannel.Literal("switchyard:breakers");

    // Longer than any break duration the options allow: an announcement claiming more is not one of ours.
    private static readonly TimeSpan MaxBreak = TimeSpan.FromHours(1);

    // Off the request path: a cold connection at start may take longer than a request's store timeout.
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Identifies this replica so it ignores its own announcements.</summary>
    private readonly string _replicaId = Guid.NewGuid().ToString("N");

    private readonly ConcurrentDictionary<string, long> _openUntilTicks = new(StringComparer.Ordinal);

    private int _subscribed;

    /// <summary>True while another replica reported the deployment's breaker open.</summary>
    public bool IsOpenElsewhere(string deployment, DateTime utcNow) =>
        _openUntilTicks.TryGetValue(deployment, out var until) && utcNow.Ticks < until;

    /// <summary>
    /// Announces that a deployment's breaker opened here. The announcement carries the break duration,
    /// not an instant: each replica times it on its own clock, so replicas with skewed clocks agree on it.
    /// </summary>
    public void Publish(string deployment, TimeSpan breakDuration)
    {
        LogOpened(logger, deployment, clock.GetUtcNow() + breakDuration);
        RouterTelemetry.BreakerOpened(deployment);
        _ = AnnounceAsync($"{_replicaId}|{deployment}|{(long)breakDuration.TotalMilliseconds}");
    }

    /// <summary>Forgets every opening other replicas reported (scenario resets).</summary>
    public void Clear() => _openUntilTicks.Clear();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        gate.Recovered += OnStoreRecovered;
        await SubscribeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        gate.Recovered -= OnStoreRecovered;
        return Task.CompletedTask;
    }

    private async Task AnnounceAsync(string message)
    {
        var (answered, _) = await gate.TryAsync(Caller, () => redis.GetSubscriber().PublishAsync(Channel, message), CancellationToken.None);
        if (!answered)
        {
            LogNotShared(logger, message);
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _subscribed, 1, 0) != 0)
        {
            return;
        }

        // Once subscribed, the client subscribes again by itself after a reconnect.
        var (answered, _) = await gate.TryAsync(Caller, async () =>
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => OnMessage(message));
            return true;
        }, cancellationToken, SubscribeTimeout);
        if (!answered)
        {
            Volatile.Write(ref _subscribed, 0);
            LogNotSubscribed(logger);
        }
    }

    private void OnStoreRecovered() => _ = SubscribeAsync(CancellationToken.None);

    private void OnMessage(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('|');
        if (parts.Length == 3 && parts[0] != _replicaId
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= MaxBreak.TotalMilliseconds)
        {
            _openUntilTicks[parts[1]] = (clock.GetUtcNow() + TimeSpan.FromMilliseconds(ms)).UtcTicks;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit opened for deployment {Deployment} until {Until:O}")]
    private static partial void LogOpened(ILogger logger, string deployment, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Breaker opening not shared, the store being down: {Announcement}")]
    private static partial void LogNotShared(ILogger logger, string announcement);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Breaker sharing waits for the store: the subscription is made when it answers again")]
    private static partial void LogNotSubscribed(ILogger logger);
}
