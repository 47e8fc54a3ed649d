namespace Switchyard.Admission;

/// <summary>
/// The Lua scripts behind admission, settlement and usage. Each touches only one tenant's keys (one
/// hash tag, so one Cluster slot), takes the time from the server (TIME; effects replication, the
/// default since Redis 5, replicates the writes rather than the script) and runs on Redis 6+ (Lua 5.1)
/// and Garnet (Lua 5.4).
/// Window: a sliding log of the last 60 s. Each admitted request is an entry (its lease id) scored by
/// admission time, with its counted tokens in a hash whose "sum" field holds the total, so a check is
/// exact at every instant and costs O(entries that left the window).
/// Results: 0 admitted, 1 requests per minute, 2 tokens per minute, 3 concurrency, 4 daily token
/// budget, 5 monthly spend budget.
/// </summary>
internal static class AdmissionScripts
{
    public const long WindowMs = 60_000;

    // KEYS[1] log, KEYS[2] tokens hash, KEYS[3] leases; defines now. Entries that left the window take
    // their tokens with them (in batches, to keep unpack small); expired leases go.
    private const string ClockAndPurge = """
        local unpack = unpack or table.unpack
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local window = 60000
        while true do
          local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window, 'LIMIT', 0, 500)
          if #old == 0 then break end
          local counted = redis.call('HMGET', KEYS[2], unpack(old))
          local freed = 0
          for i = 1, #counted do freed = freed + (tonumber(counted[i]) or 0) end
          redis.call('ZREM', KEYS[1], unpack(old))
          redis.call('HDEL', KEYS[2], unpack(old))
          redis.call('HINCRBY', KEYS[2], 'sum', -freed)
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)

        """;

    /// <summary>
    /// KEYS: log, tokens, leases, day, month. ARGV: lease id, tokens, rpm, tpm, max concurrency,
    /// daily budget, monthly budget (micro-USD), lease ms; -1 = unlimited.
    /// Returns {reason, retry ms, requests in window, tokens in window, ms until the window is empty}.
    /// </summary>
    public const string Admit = ClockAndPurge + """
        local id, tokens = ARGV[1], tonumber(ARGV[2])
        local rpm, tpm, concurrency = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        local daily, monthly, leaseMs = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
        local requests = redis.call('ZCARD', KEYS[1])
        local used = tonumber(redis.call('HGET', KEYS[2], 'sum') or 0)
        local reason, retry = 0, 0
        if monthly >= 0 and tonumber(redis.call('GET', KEYS[5]) or 0) >= monthly then
          reason = 5
        elseif daily >= 0 and tonumber(redis.call('GET', KEYS[4]) or 0) + tokens > daily then
          reason = 4
        elseif rpm >= 0 and requests + 1 > rpm then
          reason = 1
          retry = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]) + window - now
        elseif tpm >= 0 and used + tokens > tpm then
          reason = 2
          retry = window
          if tokens <= tpm then
            -- The oldest entries leave first: wait until enough of their tokens have gone.
            local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
            local freed = 0
            for i = 1, #entries, 2 do
              freed = freed + tonumber(redis.call('HGET', KEYS[2], entries[i]) or 0)
              if used - freed + tokens <= tpm then
                retry = tonumber(entries[i + 1]) + window - now
                break
              end
            end
          end
        elseif concurrency >= 0 and redis.call('ZCARD', KEYS[3]) + 1 > concurrency then
          reason = 3
          retry = math.min(1000, tonumber(redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')[2]) - now)
        end
        if reason == 0 then
          redis.call('ZADD', KEYS[1], now, id)
          redis.call('HSET', KEYS[2], id, tokens)
          used = redis.call('HINCRBY', KEYS[2], 'sum', tokens)
          requests = requests + 1
          redis.call('ZADD', KEYS[3], now + leaseMs, id)
          redis.call('INCRBY', KEYS[4], tokens)
          redis.call('EXPIRE', KEYS[4], 172800)
          redis.call('PEXPIRE', KEYS[1], window + 1000)
          redis.call('PEXPIRE', KEYS[2], window + 1000)
          redis.call('PEXPIRE', KEYS[3], leaseMs + 1000)
        end
        -- Admitted: the newest entry is this request's, so the window empties a full window from now.
        local reset = window
        if reason ~= 0 then
          reset = 0
          local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
          if #newest > 0 then reset = tonumber(newest[2]) + window - now end
        end
        return {reason, retry, requests, used, reset}
        """;

    /// <summary>
    /// KEYS: tokens, leases, day, month. ARGV: lease id, actual tokens, reserved tokens, cost (micro-USD).
    /// The window entry, if still in the window, is set to the actual tokens; the lease is released.
    /// </summary>
    public const string Settle = """
        local actual = tonumber(ARGV[2])
        local counted = redis.call('HGET', KEYS[1], ARGV[1])
        if counted then
          redis.call('HSET', KEYS[1], ARGV[1], actual)
          redis.call('HINCRBY', KEYS[1], 'sum', actual - tonumber(counted))
        end
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('INCRBY', KEYS[3], actual - tonumber(ARGV[3]))
        redis.call('EXPIRE', KEYS[3], 172800)
        local cost = tonumber(ARGV[4])
        if cost > 0 then
          redis.call('INCRBY', KEYS[4], cost)
          redis.call('EXPIRE', KEYS[4], 3456000)
        end
        return 1
        """;

    /// <summary>
    /// KEYS: log, tokens, day. ARGV: triples of entry id, admission time (unix ms), tokens: requests a
    /// replica admitted locally while the store was unreachable, written into the shared window (those
    /// still inside it) and the day's tokens, so that the shared limits count them from then on.
    /// Returns the number of entries added to the window.
    /// </summary>
    public const string Reconcile = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local added = 0
        for i = 1, #ARGV, 3 do
          local at, tokens = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
          if at > now - 60000 and redis.call('ZADD', KEYS[1], 'NX', at, ARGV[i]) == 1 then
            redis.call('HSET', KEYS[2], ARGV[i], tokens)
            redis.call('HINCRBY', KEYS[2], 'sum', tokens)
            added = added + 1
          end
          redis.call('INCRBY', KEYS[3], tokens)
        end
        redis.call('PEXPIRE', KEYS[1], 61000)
        redis.call('PEXPIRE', KEYS[2], 61000)
        redis.call('EXPIRE', KEYS[3], 172800)
        return added
        """;

    /// <summary>KEYS: log, tokens, leases, day, month. Returns {requests, tokens, active leases, day tokens, month micro-USD}.</summary>
    public const string Usage = ClockAndPurge + """
        return {redis.call('ZCARD', KEYS[1]), tonumber(redis.call('HGET', KEYS[2], 'sum') or 0),
          redis.call('ZCARD', KEYS[3]), tonumber(redis.call('GET', KEYS[4]) or 0), tonumber(redis.call('GET', KEYS[5]) or 0)}
        """;
}
