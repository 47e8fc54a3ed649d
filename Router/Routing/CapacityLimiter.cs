using StackExchange.Redis;
using Switchyard.Admission;

namespace Switchyard.Router.Routing;

/// <summary>
/// Pre-call capacity checks: each deployment's rpm and tpm, counted in Redis across every Router
/// replica over a rolling 60 s window of 1 s buckets cut on the server's clock (<see cref="CapacityScripts"/>),
/// so the Router routes away before sending rather than after a 429. Store policy: fail open. When
/// the store does not answer within the capacity store timeout, or the process's store gate
/// (<see cref="StoreGate"/>, shared with admission and breaker sharing) says it is down, the check admits
/// without counting (<see cref="CapacityReservation.Unchecked"/>, a <c>capacity_unchecked</c> event on the
/// request span): the provider's own throttling still protects it, and no check waits on a store known to
/// be down until the gate's probe finds it back.
/// </summary>
public sealed partial class CapacityLimiter(IConnectionMultiplexer redis, StoreGate gate, ILogger<CapacityLimiter> logger, Func<TimeSpan> storeTimeout)
{
    // Names this caller in the store gate's log.
    private const string Caller = "capacity";

    /// <summary>
    /// Reserves one request and <paramref name="tokens"/> on the deployment if it has room within
    /// <paramref name="share"/> of its limits (1 for the top tier; less for lower tiers, which are shed first).
    /// </summary>
    public async ValueTask<CapacityReservation> TryAcquireAsync(Deployment deployment, int tokens, CancellationToken cancellationToken, double share = 1.0)
    {
        var options = deployment.Options;
        if (options.Rpm is null && options.Tpm is null)
        {
            return CapacityReservation.Unlimited;
        }

        var answer = await gate.TryAsync(Caller, () => redis.GetDatabase().ScriptEvaluateAsync(CapacityScripts.Acquire,
            [KeyFor(deployment)], [Scaled(options.Rpm, share), Scaled(options.Tpm, share), tokens]), cancellationToken, storeTimeout());
        if (!answer.Answered)
        {
            return CapacityReservation.Unchecked;
        }

        var result = (RedisResult[])answer.Result!;
        var requests = (long)result[1];
        var used = (long)result[2];
        deployment.State.RemainingCapacityShare = Math.Min(
            options.Rpm is { } rpm ? 1 - (double)requests / Math.Max(1, rpm) : 1,
            options.Tpm is { } tpm ? 1 - (double)used / Math.Max(1, tpm) : 1);
        return (long)result[0] == 1
            ? new CapacityReservation(true, tokens, (long)result[3], Checked: true)
            : CapacityReservation.Full(TimeSpan.FromMilliseconds((long)result[3]));
    }

    private static long Scaled(int? limit, double share) => limit is { } value ? (long)Math.Floor(value * share) : -1;

    /// <summary>
    /// Replaces the reserved tokens with what the call really used (a refund when it used less). Fire and
    /// forget, and never a probe of the gate (its outcome is not awaited): while the store is down the
    /// reservation stays as reserved until its bucket leaves the window.
    /// </summary>
    public void Settle(Deployment deployment, CapacityReservation reservation, long actualTokens)
    {
        if (!reservation.Checked || actualTokens == reservation.Tokens)
        {
            return;
        }

        if (gate.IsDown)
        {
            LogSettlementLost(logger, null, deployment.Name);
            return;
        }

        try
        {
            _ = redis.GetDatabase().ScriptEvaluateAsync(CapacityScripts.Settle,
                [KeyFor(deployment)], [reservation.Second, checked(actualTokens - reservation.Tokens)], CommandFlags.FireAndForget);
        }
        catch (Exception e) when (StoreGate.IsStoreFailure(e))
        {
            gate.Failed(e, Caller);
            LogSettlementLost(logger, e, deployment.Name);
        }
    }

    /// <summary>Loads the scripts on every node at start (<see cref="StoreScripts.LoadAsync"/>).</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StoreScripts.LoadAsync(redis, CapacityScripts.All, cancellationToken);
        }
        catch (Exception e) when (StoreGate.IsStoreFailure(e))
        {
            LogUnreachableAtStart(logger, e);
        }
    }

    /// <summary>Empties the windows of the given deployments (scenario resets).</summary>
    /// <remarks>
    /// One DEL per deployment: each window is its own hash slot, so one DEL over all of them is a
    /// cross-slot command on Redis Cluster. Nothing needs them emptied together; each DEL is atomic for its window.
    /// </remarks>
    public Task ResetAsync(IEnumerable<string> deployments)
    {
        var db = redis.GetDatabase();
        return Task.WhenAll(deployments.Select(deployment => db.KeyDeleteAsync(KeyFor(deployment))));
    }

    private static RedisKey KeyFor(Deployment deployment) => KeyFor(deployment.Name);

    // Hash-tagged so the script's single key also works on Redis Cluster.
    private static RedisKey KeyFor(string deployment) => $"sy:cap:{{{deployment}}}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Capacity settlement for {Deployment} lost")]
    private static partial void LogSettlementLost(ILogger logger, Exception? exception, string deployment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capacity store not reachable at start; capacity checks fail open until it is")]
    private static partial void LogUnreachableAtStart(ILogger logger, Exception exception);
}
