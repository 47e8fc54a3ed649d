namespace Switchyard.Router.Routing;

/// <summary>
/// The Lua scripts behind the capacity checks, in the store's one style (<see cref="Admission.StoreScripts"/>):
/// KEYS[1] is the deployment's window, a hash-tagged key, so each script runs on one Cluster slot. Time
/// comes from the server (<c>TIME</c>), so replicas with skewed clocks cut one window; Redis replicates
/// the scripts' effects (the default since Redis 5). Runs on Redis 6+ (Lua 5.1) and Garnet (Lua 5.4).
/// Window: 60 buckets of 1 s as hash fields "r:&lt;unix second&gt;" (requests) and "t:&lt;unix second&gt;"
/// (tokens); stale ones are pruned on the way.
/// </summary>
internal static class CapacityScripts
{
    /// <summary>
    /// ARGV: rpm, tpm (-1 = unchecked), tokens. Admitted: {1, requests, tokens in the window, the bucket's
    /// unix second (for settlement)}. Refused: {0, requests, tokens, ms until enough of the oldest buckets
    /// have left the window for the request to fit (a full window if it never can)}, so a 429 can say when
    /// to come back.
    /// </summary>
    public const string Acquire = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1])
        local nowMs = now * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local rpm, tpm, tokens = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local fields = redis.call('HGETALL', KEYS[1])
        local requests, used = 0, 0
        for i = 1, #fields, 2 do
          local second = tonumber(string.sub(fields[i], 3))
          if second <= now - 60 then
            redis.call('HDEL', KEYS[1], fields[i])
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
          return {0, requests, used, freeAt * 1000 - nowMs}
        end
        redis.call('HINCRBY', KEYS[1], 'r:' .. now, 1)
        redis.call('HINCRBY', KEYS[1], 't:' .. now, tokens)
        redis.call('EXPIRE', KEYS[1], 120)
        return {1, requests + 1, used + tokens, now}
        """;

    /// <summary>ARGV: the bucket's unix second, the tokens to add (negative: a refund). Changes nothing once the bucket has left the window.</summary>
    public const string Settle = """
        local field = 't:' .. ARGV[1]
        if redis.call('HEXISTS', KEYS[1], field) == 1 then
          redis.call('HINCRBY', KEYS[1], field, tonumber(ARGV[2]))
        end
        return 1
        """;

    /// <summary>Every script, for loading at start.</summary>
    public static IEnumerable<string> All => [Acquire, Settle];
}
