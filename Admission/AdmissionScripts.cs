namespace Switchyard.Admission;

/// <summary>
/// The Lua scripts behind admission, settlement and usage. Each touches only one tenant's keys (one
/// hash tag, so one Cluster slot), all of them passed in KEYS, takes the time from the server (TIME;
/// effects replication, the default since Redis 5, replicates the writes rather than the script) and
/// runs on Redis 6+ (Lua 5.1) and Garnet (Lua 5.4).
/// Window: a sliding log of the last 60 s. Each admitted request is an entry (its lease id) scored by
/// admission time, with its counted tokens in a hash whose "sum" field holds the total, so a check is
/// exact at every instant and costs O(entries that left the window).
/// Lease record (<see cref="TenantKeys.Lease"/>): what admission stored about the lease, so settlement
/// and release use the stored reservation and apply once. "st": 0 open, 1 settled, 2 released (or an id
/// released before any admission with it landed), 3 admitted locally and handed over afterwards (not a
/// store lease: settled where it was admitted).
/// Every script checks its arguments again (the library checks them first): -1 means refused.
/// </summary>
internal static class AdmissionScripts
{
    public const long WindowMs = 60_000;

    /// <summary>How long after its concurrency lease ends a lease can still be settled (a request that outran it).</summary>
    public const long SettleGraceMs = 600_000;

    /// <summary>How long a finished lease is remembered (longer than the window, so its entry cannot be reused while counted).</summary>
    public const long FinishedLeaseMs = 120_000;

    private const long MaxTokens = AdmissionBounds.MaxTokens;

    private static readonly long MaxCostMicroUsd = AdmissionBounds.ToMicroUsd(AdmissionBounds.MaxCostUsd);

    // A lease id as AdmissionBounds.IsValidLeaseId has it: it is also a field of the tokens hash, next to "sum".
    private const string ValidId = "local function valid(id) return #id >= 8 and #id <= 64 and string.match(id, '^[%w_%-]+$') ~= nil end\n";

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
    /// KEYS: log, tokens, leases, day, month, lease record, usage epoch. ARGV: lease id, tokens, rpm, tpm, max
    /// concurrency, daily budget, monthly budget (micro-USD), lease ms (-1 = unlimited), leases the caller
    /// holds outside the store (its local admissions still in flight, counted against concurrency).
    /// Returns {reason, retry ms, requests in window, tokens in window, ms until the window is empty};
    /// reason 0 admitted, 1 requests per minute, 2 tokens per minute, 3 concurrency, 4 daily token budget,
    /// 5 monthly spend budget, 6 lease id in use, -1 invalid arguments.
    /// </summary>
    public static readonly string Admit = ValidId + $$"""
        local tokens, leaseMs, elsewhere = tonumber(ARGV[2]), tonumber(ARGV[8]), tonumber(ARGV[9])
        if not valid(ARGV[1]) or not tokens or tokens < 1 or tokens > {{MaxTokens}} or tokens % 1 ~= 0
          or not leaseMs or leaseMs < 1 or not elsewhere or elsewhere < 0 then
          return {-1, 0, 0, 0, 0}
        end

        """ + ClockAndPurge + $$"""
        local id = ARGV[1]
        local rpm, tpm, concurrency = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        local daily, monthly = tonumber(ARGV[6]), tonumber(ARGV[7])
        local requests = redis.call('ZCARD', KEYS[1])
        local used = tonumber(redis.call('HGET', KEYS[2], 'sum') or 0)
        local reason, retry = 0, 0
        if redis.call('EXISTS', KEYS[6]) == 1 or redis.call('ZSCORE', KEYS[1], id) then
          reason = 6
        elseif monthly >= 0 and tonumber(redis.call('GET', KEYS[5]) or 0) >= monthly then
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
        elseif concurrency >= 0 and redis.call('ZCARD', KEYS[3]) + elsewhere + 1 > concurrency then
          reason = 3
          retry = 1000
          local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
          if #first > 0 then retry = math.min(1000, tonumber(first[2]) - now) end
        end
        if reason == 0 then
          redis.call('ZADD', KEYS[1], now, id)
          redis.call('HSET', KEYS[2], id, tokens)
          used = redis.call('HINCRBY', KEYS[2], 'sum', tokens)
          requests = requests + 1
          redis.call('ZADD', KEYS[3], now + leaseMs, id)
          redis.call('INCRBY', KEYS[4], tokens)
          redis.call('EXPIRE', KEYS[4], 172800)
          redis.call('HSET', KEYS[6], 'tok', tokens, 'day', KEYS[4], 'st', 0, 'ep', redis.call('GET', KEYS[7]) or '0')
          redis.call('PEXPIRE', KEYS[6], leaseMs + {{SettleGraceMs}})
          redis.call('PEXPIRE', KEYS[1], window + 1000)
          redis.call('PEXPIRE', KEYS[2], window + 1000)
          if redis.call('PTTL', KEYS[3]) < leaseMs + 1000 then redis.call('PEXPIRE', KEYS[3], leaseMs + 1000) end
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
    /// Settles a batch of one tenant's leases, in order (<see cref="SettlementBatcher"/>). KEYS: tokens, leases,
    /// day, previous day, month, usage epoch, then each lease's record. ARGV: the number of leases n, then n
    /// triples of lease id, actual tokens and cost (micro-USD). Each lease, with its stored reservation: the
    /// window entry, if still in the window, is set to the actual tokens, the day charged the difference (never
    /// below zero, as a guard), the month the cost; the lease is released and the record kept as settled.
    /// A lease admitted before the tenant's last usage reset (<see cref="ResetUsage"/>) is unknown: its
    /// reservation was forgotten with everything else, so refunding it would take a later request's tokens off
    /// the new day. Returns one outcome per lease: 1 settled, 0 unknown lease, 2 already settled or released
    /// (also by an earlier lease of the same batch), -1 invalid arguments (that lease only).
    /// </summary>
    public static readonly string Settle = ValidId + $$"""
        local n = tonumber(ARGV[1])
        if not n or n < 1 or n % 1 ~= 0 or #ARGV ~= 1 + 3 * n or #KEYS ~= 6 + n then
          return {-1}
        end
        local epoch = redis.call('GET', KEYS[6]) or '0'
        local outcomes = {}
        for i = 1, n do
          local id, actual, cost = ARGV[3 * i - 1], tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])
          local record = KEYS[6 + i]
          local outcome = 1
          if not valid(id) or not actual or actual < 0 or actual > {{2 * MaxTokens}} or actual % 1 ~= 0
            or not cost or cost < 0 or cost > {{MaxCostMicroUsd}} or cost % 1 ~= 0 then
            outcome = -1
          else
            local lease = redis.call('HMGET', record, 'st', 'tok', 'day', 'ep')
            if not lease[1] or lease[1] == '3' or (lease[4] or '0') ~= epoch then
              outcome = 0
            elseif lease[1] ~= '0' then
              outcome = 2
            else
              local counted = redis.call('HGET', KEYS[1], id)
              if counted then
                redis.call('HSET', KEYS[1], id, actual)
                redis.call('HINCRBY', KEYS[1], 'sum', actual - tonumber(counted))
              end
              redis.call('ZREM', KEYS[2], id)
              local day = nil
              if lease[3] == KEYS[3] then day = KEYS[3] elseif lease[3] == KEYS[4] then day = KEYS[4] end
              if day then
                if redis.call('INCRBY', day, actual - tonumber(lease[2])) < 0 then redis.call('SET', day, 0) end
                redis.call('EXPIRE', day, 172800)
              end
              if cost > 0 then
                redis.call('INCRBY', KEYS[5], cost)
                redis.call('EXPIRE', KEYS[5], 3456000)
              end
              redis.call('HSET', record, 'st', 1)
              redis.call('PEXPIRE', record, {{FinishedLeaseMs}})
            end
          end
          outcomes[i] = outcome
        end
        return outcomes
        """;

    /// <summary>
    /// KEYS: leases, lease record. ARGV: lease id. Releases the concurrency lease; the reservation stays
    /// counted. An unknown id is recorded as released, so an admission with it that lands late is refused.
    /// Returns 1 released, 0 unknown lease, 2 already settled or released, -1 invalid arguments.
    /// </summary>
    public static readonly string Release = ValidId + $$"""
        if not valid(ARGV[1]) then return -1 end
        local state = redis.call('HGET', KEYS[2], 'st')
        if state == '3' then return 0 end
        if state and state ~= '0' then return 2 end
        if state then redis.call('ZREM', KEYS[1], ARGV[1]) end
        redis.call('HSET', KEYS[2], 'st', 2)
        redis.call('PEXPIRE', KEYS[2], {{FinishedLeaseMs}})
        if state then return 1 end
        return 0
        """;

    /// <summary>
    /// KEYS: log, tokens, day, leases, usage epoch, then the lease record of each admission and each abandoned id in
    /// ARGV order. ARGV: the number of admissions n; n triples of lease id, admission time (unix ms) and
    /// tokens: requests a replica admitted locally while the store was unreachable; then the abandoned ids:
    /// admissions that timed out on the replica and were refused locally.
    /// A local admission is written into the shared window (if still inside it) and the day's tokens, once
    /// (its record marks it handed over); if the store admitted it too (its admission landed after the
    /// timeout) it is counted already and only its store lease is freed, as the local lease is the live one.
    /// An abandoned admission that landed is undone (entry, tokens, day, lease), unless a usage reset forgot
    /// it already; one that did not land is recorded as released so it cannot land later. Returns the number
    /// of entries added to the window.
    /// </summary>
    public static readonly string Reconcile = $$"""
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local n = tonumber(ARGV[1])
        local epoch = redis.call('GET', KEYS[5]) or '0'
        local added = 0
        for i = 1, n do
          local id, at, tokens = ARGV[3 * i - 1], tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])
          local record = KEYS[5 + i]
          local state = redis.call('HGET', record, 'st')
          if state == '0' then
            redis.call('ZREM', KEYS[4], id)
            redis.call('HSET', record, 'st', 3)
            redis.call('PEXPIRE', record, {{FinishedLeaseMs}})
          elseif not state then
            if at > now - 60000 and redis.call('ZADD', KEYS[1], 'NX', at, id) == 1 then
              redis.call('HSET', KEYS[2], id, tokens)
              redis.call('HINCRBY', KEYS[2], 'sum', tokens)
              added = added + 1
            end
            redis.call('INCRBY', KEYS[3], tokens)
            redis.call('HSET', record, 'st', 3)
            redis.call('PEXPIRE', record, {{FinishedLeaseMs}})
          end
        end
        for j = 3 * n + 2, #ARGV do
          local id, record = ARGV[j], KEYS[5 + n + j - 3 * n - 1]
          local lease = redis.call('HMGET', record, 'st', 'tok', 'day', 'ep')
          if lease[1] == '0' and (lease[4] or '0') == epoch then
            local counted = redis.call('HGET', KEYS[2], id)
            if counted then
              redis.call('ZREM', KEYS[1], id)
              redis.call('HDEL', KEYS[2], id)
              redis.call('HINCRBY', KEYS[2], 'sum', -tonumber(counted))
            end
            if lease[3] == KEYS[3] and redis.call('INCRBY', KEYS[3], -tonumber(lease[2])) < 0 then redis.call('SET', KEYS[3], 0) end
            redis.call('ZREM', KEYS[4], id)
          end
          if lease[1] == '0' or not lease[1] then
            redis.call('HSET', record, 'st', 2)
            redis.call('PEXPIRE', record, {{FinishedLeaseMs}})
          end
        end
        if n > 0 then
          redis.call('PEXPIRE', KEYS[1], 61000)
          redis.call('PEXPIRE', KEYS[2], 61000)
          redis.call('EXPIRE', KEYS[3], 172800)
        end
        return added
        """;

    /// <summary>
    /// KEYS: log, tokens, leases, day, month, usage epoch. Forgets the tenant's usage: empties its windows, leases
    /// and budgets and moves the epoch on, so a lease admitted before settles as unknown (<see cref="Settle"/>).
    /// One script, so no admission lands between the two.
    /// </summary>
    public const string ResetUsage = """
        redis.call('INCR', KEYS[6])
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
        return 1
        """;

    /// <summary>KEYS: log, tokens, leases, day, month. Returns {requests, tokens, active leases, day tokens, month micro-USD}.</summary>
    public const string Usage = ClockAndPurge + """
        return {redis.call('ZCARD', KEYS[1]), tonumber(redis.call('HGET', KEYS[2], 'sum') or 0),
          redis.call('ZCARD', KEYS[3]), tonumber(redis.call('GET', KEYS[4]) or 0), tonumber(redis.call('GET', KEYS[5]) or 0)}
        """;

    /// <summary>Every script, for loading at start.</summary>
    public static IEnumerable<string> All => [Admit, Settle, Release, Reconcile, Usage, ResetUsage];
}
