using System.Collections.Concurrent;
using StackExchange.Redis;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing;

/// <summary>
/// Shares breaker openings between Router replicas over Redis pub/sub: when one replica's breaker
/// opens, every replica skips that deployment for the break duration (well within a second).
/// </summary>
public sealed class SharedCircuitBreakers(IConnectionMultiplexer redis, ILogger<SharedCircuitBreakers> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("switchyard:breakers");

    /// <summary>Identifies this replica so it ignores its own announcements.</summary>
    private readonly string _replicaId = Guid.NewGuid().ToString("N");

    private readonly ConcurrentDictionary<string, long> _openUntilTicks = new(StringComparer.Ordinal);

    /// <summary>True while another replica reported the deployment's breaker open.</summary>
    public bool IsOpenElsewhere(string deployment, DateTime utcNow) =>
        _openUntilTicks.TryGetValue(deployment, out var until) && utcNow.Ticks < until;

    /// <summary>Announces that a deployment's breaker opened here.</summary>
    public void Publish(string deployment, TimeSpan breakDuration)
    {
        var until = DateTime.UtcNow + breakDuration;
        logger.LogWarning("Circuit opened for deployment {Deployment} until {Until:O}", deployment, until);
        RouterTelemetry.BreakerOpened(deployment);
        try
        {
            redis.GetSubscriber().Publish(Channel, $"{_replicaId}|{deployment}|{until.Ticks}", CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Could not share the breaker opening of {Deployment}", deployment);
        }
    }

    /// <summary>Forgets every opening other replicas reported (scenario resets).</summary>
    public void Clear() => _openUntilTicks.Clear();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => OnMessage(message));
        }
        catch (RedisException e)
        {
            // Static stability: without Redis each replica still has its own breakers.
            logger.LogWarning(e, "Breaker sharing is off: Redis subscription failed");
        }
    }

    private void OnMessage(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('|');
        if (parts.Length == 3 && parts[0] != _replicaId && long.TryParse(parts[2], out var ticks))
        {
            _openUntilTicks[parts[1]] = ticks;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
