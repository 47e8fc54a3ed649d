using StackExchange.Redis;

namespace Switchyard.Router.Routing;

/// <summary>
/// Pre-call capacity checks: each deployment's rpm and tpm, counted in Redis across every Router
/// replica over a rolling 60 s window of 1 s buckets, so the Router routes away before sending
/// rather than after a 429. When Redis does not answer within the store timeout the check fails
/// open (the provider's own throttling still protects it), and for the next second every check
/// fails open at once instead of waiting on a store that is known to be down.
/// </summary>
public sealed class CapacityLimiter(IConnectionMultiplexer redis, TimeProvider clock, ILogger<CapacityLimiter> logger, Func<TimeSpan> storeTimeout)
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private long _skipStoreUntilTicks;

    // Buckets are hash fields "r:<unix second>" and "t:<unix second>"; stale ones are pruned on the way.
    // A refusal also says at which second enough of the oldest buckets will have left the window for
    // the request to fit (a full window from now if it never can), so a 429 can say when to come back.
    private static readonly LuaScript AcquireScript = LuaScript.Prepare("""
        local now = tonumber(@now)
        local rpm = tonumber(@rpm)
        local tpm = tonumber(@tpm)
        local tokens = tonumber(@tokens)
        local fields = redis.call('HGETALL', @key)
        local requests, used = 0, 0
        for i = 1, #fields, 2 do
          local second = tonumber(string.sub(fields[i], 3))
          if second <= now - 60 then
            redis.call('HDEL', @key, fields[i])
          elseif string.sub(fields[i], 1, 1) == 'r' then
            requests = requests + tonumber(fields[i + 1])
          else
            used = used + tonumber(fields[i + 1])
          end
        end
        if (rpm >= 0 and requests + 1 > rpm) or (tpm >= 0 and used + tokens > tpm) then
          -- Only refusals pay for this second pass: the admitted path stays one sum.
          local function fits(r, t) return (rpm < 0 or r + 1 <= rpm) and (tpm < 0 or t + tokens <= tpm) end
          local seconds, buckets = {}, {}
          for i = 1, #fields, 2 do
            local second = tonumber(string.sub(fields[i], 3))
            if second > now - 60 then
              if buckets[second] == nil then
                seconds[#seconds + 1] = second
                buckets[second] = {0, 0}
              end
              local slot = string.sub(fields[i], 1, 1) == 'r' and 1 or 2
              buckets[second][slot] = buckets[second][slot] + tonumber(fields[i + 1])
            end
          end
          table.sort(seconds)
          local freeAt, r, t = now + 60, requests, used
          for _, second in ipairs(seconds) do
            r, t = r - buckets[second][1], t - buckets[second][2]
            if fits(r, t) then
              freeAt = second + 60
              break
            end
          end
          return {0, requests, used, freeAt}
        end
        redis.call('HINCRBY', @key, 'r:' .. now, 1)
        redis.call('HINCRBY', @key, 't:' .. now, tokens)
        redis.call('EXPIRE', @key, 120)
        return {1, requests + 1, used + tokens}
        """);

    private static readonly LuaScript SettleScript = LuaScript.Prepare("""
        local field = 't:' .. @second
        if redis.call('HEXISTS', @key, field) == 1 then
          redis.call('HINCRBY', @key, field, tonumber(@delta))
        end
        return 1
        """);

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

        var utcNow = clock.GetUtcNow();
        if (utcNow.UtcTicks < Volatile.Read(ref _skipStoreUntilTicks))
        {
            return CapacityReservation.Unchecked;
        }

        var now = utcNow.ToUnixTimeSeconds();
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase()
                .ScriptEvaluateAsync(AcquireScript, new { key = KeyFor(deployment), now, rpm = Scaled(options.Rpm, share), tpm = Scaled(options.Tpm, share), tokens })
                .WaitAsync(storeTimeout(), cancellationToken))!;
            var requests = (long)result[1];
            var used = (long)result[2];
            deployment.State.RemainingCapacityShare = Math.Min(
                options.Rpm is { } rpm ? 1 - (double)requests / Math.Max(1, rpm) : 1,
                options.Tpm is { } tpm ? 1 - (double)used / Math.Max(1, tpm) : 1);
            return (long)result[0] == 1
                ? new CapacityReservation(true, tokens, now, Checked: true)
                : CapacityReservation.Full(DateTimeOffset.FromUnixTimeSeconds((long)result[3]) - utcNow);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Volatile.Write(ref _skipStoreUntilTicks, (utcNow + ProbeInterval).UtcTicks);
            logger.LogWarning(e, "Capacity store unavailable; capacity checks fail open for {Interval}", ProbeInterval);
            return CapacityReservation.Unchecked;
        }
    }

    private static long Scaled(int? limit, double share) => limit is { } value ? (long)Math.Floor(value * share) : -1;

    /// <summary>Replaces the reserved tokens with what the call really used (a refund when it used less).</summary>
    public void Settle(Deployment deployment, CapacityReservation reservation, long actualTokens)
    {
        if (!reservation.Checked || actualTokens == reservation.Tokens)
        {
            return;
        }

        try
        {
            _ = redis.GetDatabase().ScriptEvaluateAsync(SettleScript,
                new { key = KeyFor(deployment), second = reservation.Second, delta = actualTokens - reservation.Tokens }, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            logger.LogDebug(e, "Capacity settlement for {Deployment} lost", deployment.Name);
        }
    }

    /// <summary>
    /// Runs the script once at start, so the first requests do not pay for the connection, the script
    /// load and the server's Lua start-up within their store timeout.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var key = KeyFor("warm-up");
            await redis.GetDatabase().ScriptEvaluateAsync(AcquireScript, new { key, now = clock.GetUtcNow().ToUnixTimeSeconds(), rpm = 0, tpm = 0, tokens = 0 })
                .WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Capacity store not reachable at start; capacity checks fail open until it is");
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
}

/// <summary>The outcome of a capacity check.</summary>
/// <param name="Acquired">The deployment has room; a request and the tokens are now counted.</param>
/// <param name="Tokens">Tokens reserved.</param>
/// <param name="Second">Bucket (unix second) the reservation went into, for settlement.</param>
/// <param name="Checked">The shared store was consulted (false for unlimited deployments and when the store is down).</param>
/// <param name="StoreUnavailable">The deployment has limits but the store could not be asked: admitted unchecked.</param>
/// <param name="FreesIn">When refused: how long until the deployment's window has room for this request.</param>
public readonly record struct CapacityReservation(bool Acquired, int Tokens, long Second, bool Checked, bool StoreUnavailable = false, TimeSpan FreesIn = default)
{
    public static readonly CapacityReservation Unlimited = new(true, 0, 0, false);
    public static readonly CapacityReservation Unchecked = new(true, 0, 0, false, StoreUnavailable: true);

    public static CapacityReservation Full(TimeSpan freesIn) => new(false, 0, 0, true, FreesIn: freesIn);
}
