namespace Switchyard.Admission;

/// <summary>
/// The Lua scripts behind admission, settlement and usage. Each touches only one tenant's keys (one
/// hash tag, so one Cluster slot), all of them passed in KEYS, takes the time from the server (TIME;
/// effects replication, the default since Redis 5, replicates the writes rather than the script) and
/// runs on Redis 6+ (Lua 5.1) and Garnet (Lua 5.4). Numbers are negated as 0 - x, never -x: in Lua 5.1 -x of
/// 0 is -0, which Redis refuses as an integer argument (a purge of entries settled at 0 tokens would fail).
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

    /// <summary>
    /// How long an expired block is remembered, uncounted, after its expiry: its replica, cut off from the store
    /// for up to this long, hands over its admissions as from that block, and the tokens the block left charged
    /// on the day are set against them instead of charged twice.
    /// </summary>
    public const long ExpiredBlockMs = 3_600_000;

    private const long MaxTokens = AdmissionBounds.MaxTokens;

    private static readonly long MaxCostMicroUsd = AdmissionBounds.ToMicroUsd(AdmissionBounds.MaxCostUsd);

    // A lease id as AdmissionBounds.IsValidLeaseId has it: it is also a field of the tokens hash, next to "sum".
    private const string ValidId = "local function valid(id) return #id >= 8 and #id <= 64 and string.match(id, '^[%w_%-]+$') ~= nil end\n";

    // A replica's block in the blocks hash (field: replica id): requests, tokens and concurrency reserved,
    // the day key its tokens are charged on, the usage epoch and the expiry (store ms).
    private const string ParseBlock = """
        local function parse(value)
          local req, tok, con, day, ep, exp = string.match(value, '^(%d+) (%d+) (%d+) (%S+) (%S+) (%d+)$')
          return tonumber(req), tonumber(tok), tonumber(con), day, ep, tonumber(exp)
        end

        """;

    // KEYS[1] log, KEYS[2] tokens hash, KEYS[3] leases, the local blocks the blocks hash (or nil); defines now
    // and breq, btok, bcon: the requests, tokens and concurrency the live blocks reserve, summed from the blocks
    // hash itself (a handful of replicas), so no counter can drift from it. Entries that left the window take
    // their tokens with them (in batches, to keep unpack small); expired leases go. An expired block (its replica
    // stopped handing over: it died or cannot reach the store) no longer counts, but leaves its tokens charged on
    // the day (it may have admitted them) and stays, uncounted, for ExpiredBlockMs, in case its replica comes back.
    private static readonly string ClockAndPurge = ParseBlock + $$"""
        local unpack = unpack or table.unpack
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local window = 60000
        local breq, btok, bcon = 0, 0, 0
        if blocks then
          local all = redis.call('HGETALL', blocks)
          for i = 1, #all, 2 do
            local req, tok, con, _, _, exp = parse(all[i + 1])
            if not exp or exp + {{ExpiredBlockMs}} <= now then
              redis.call('HDEL', blocks, all[i])
            elseif exp > now then
              breq, btok, bcon = breq + req, btok + tok, bcon + con
            end
          end
        end
        while true do
          local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window, 'LIMIT', 0, 500)
          if #old == 0 then break end
          local counted = redis.call('HMGET', KEYS[2], unpack(old))
          local freed = 0
          for i = 1, #counted do freed = freed + (tonumber(counted[i]) or 0) end
          redis.call('ZREM', KEYS[1], unpack(old))
          redis.call('HDEL', KEYS[2], unpack(old))
          redis.call('HINCRBY', KEYS[2], 'sum', 0 - freed)
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)

        """;

    // Settles an open lease of the current epoch (its record's st 0): the window entry, if still counted, set to the
    // actual tokens; the concurrency lease freed; the day it was admitted on (today's or yesterday's key) charged the
    // difference, never below zero; the month the cost; the record kept as settled. Used by Settle, and by Block for
    // an entry that an earlier call whose answer was lost had already handed over open.
    private static readonly string SettleOpenLease = $$"""
        local function settleOpen(tokens, leases, today, yesterday, month, record, id, reserved, admittedDay, actual, cost)
          local counted = redis.call('HGET', tokens, id)
          if counted then
            redis.call('HSET', tokens, id, actual)
            redis.call('HINCRBY', tokens, 'sum', actual - tonumber(counted))
          end
          redis.call('ZREM', leases, id)
          local day = nil
          if admittedDay == today then day = today elseif admittedDay == yesterday then day = yesterday end
          if day then
            if redis.call('INCRBY', day, actual - reserved) < 0 then redis.call('SET', day, 0) end
            redis.call('EXPIRE', day, 172800)
          end
          if cost > 0 then
            redis.call('INCRBY', month, cost)
            redis.call('EXPIRE', month, 3456000)
          end
          redis.call('HSET', record, 'st', 1)
          redis.call('PEXPIRE', record, {{FinishedLeaseMs}})
        end

        """;

    /// <summary>
    /// KEYS: log, tokens, leases, day, month, lease record, usage epoch, blocks. Requests, tokens and concurrency
    /// reserved by replicas' blocks (<see cref="Block"/>) count as used. ARGV: lease id, tokens, rpm, tpm, max
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
        local blocks = KEYS[8]

        """ + ClockAndPurge + $$"""
        local id = ARGV[1]
        local rpm, tpm, concurrency = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        local daily, monthly = tonumber(ARGV[6]), tonumber(ARGV[7])
        local requests = redis.call('ZCARD', KEYS[1]) + breq
        local used = tonumber(redis.call('HGET', KEYS[2], 'sum') or 0) + btok
        local reason, retry = 0, 0
        if redis.call('EXISTS', KEYS[6]) == 1 or redis.call('ZSCORE', KEYS[1], id) then
          reason = 6
        elseif monthly >= 0 and tonumber(redis.call('GET', KEYS[5]) or 0) >= monthly then
          reason = 5
        elseif daily >= 0 and tonumber(redis.call('GET', KEYS[4]) or 0) + tokens > daily then
          reason = 4
        elseif rpm >= 0 and requests + 1 > rpm then
          reason = 1
          -- The oldest entry leaves first; with only blocks counted, one of them returns within a second.
          local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          retry = 1000
          if #oldest > 0 then retry = tonumber(oldest[2]) + window - now end
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
        elseif concurrency >= 0 and redis.call('ZCARD', KEYS[3]) + bcon + elsewhere + 1 > concurrency then
          reason = 3
          retry = 1000
          local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
          if #first > 0 then retry = math.min(1000, tonumber(first[2]) - now) end
        end
        if reason == 0 then
          redis.call('ZADD', KEYS[1], now, id)
          redis.call('HSET', KEYS[2], id, tokens)
          used = redis.call('HINCRBY', KEYS[2], 'sum', tokens) + btok
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
    /// One replica's hand-over and block for a tenant (<see cref="AdmissionBlocks"/>): the requests it admitted
    /// from its block since the last call become the window entries, day charges, leases and records a store
    /// admission would have made (at their own admission times); then its block is returned whole and, if it
    /// asks, a new one reserved: requests, tokens (also charged on the day) and concurrency that count against
    /// the limits as used until the next call or the block's expiry, granted only within what the limits have
    /// left. KEYS: log, tokens, leases, day, previous day, month, usage epoch, blocks, then each entry's lease
    /// record. ARGV: replica id, the usage epoch of the entries (those of an earlier epoch were forgotten by a
    /// reset and are dropped), the number of entries n, n septets of lease id, admission time (store ms), lease
    /// expiry (store ms), reserved tokens, state (0 open, 1 settled, 2 released), actual tokens, cost
    /// (micro-USD); then the block wanted: requests, tokens, concurrency; what the replica keeps of its block
    /// (it may admit that much while the call is on its way: the new block is never smaller); and the limits:
    /// rpm, tpm, max concurrency, daily budget, monthly budget (micro-USD; -1 = unlimited), block lifetime ms.
    /// An entry the store already has (a call repeated after a lost answer) is skipped, unless that call took it
    /// open and it is finished now: then the settlement or release is applied, as <see cref="Settle"/> or
    /// <see cref="Release"/> would.
    /// Returns {requests, tokens, concurrency granted, usage epoch, requests in window, tokens in window, now ms,
    /// reason, retry ms} or {-1} for invalid arguments. Reason (as <see cref="Admit"/>'s: 1 requests, 2 tokens per
    /// minute, 3 concurrency, 4 daily, 5 monthly budget) is set when a block was wanted and a limit has no room
    /// at all, so the store would refuse any request now: the replica refuses locally until its next call.
    /// </summary>
    public static readonly string Block = ValidId + SettleOpenLease + $$"""
        local n = tonumber(ARGV[3])
        if not n or n < 0 or n % 1 ~= 0 or #ARGV ~= 3 + 7 * n + 12 or #KEYS ~= 8 + n then
          return {-1}
        end
        local w = 3 + 7 * n
        local wantReq, wantTok, wantCon = tonumber(ARGV[w + 1]), tonumber(ARGV[w + 2]), tonumber(ARGV[w + 3])
        local keepReq, keepTok, keepCon = tonumber(ARGV[w + 4]), tonumber(ARGV[w + 5]), tonumber(ARGV[w + 6])
        local rpm, tpm, concurrency = tonumber(ARGV[w + 7]), tonumber(ARGV[w + 8]), tonumber(ARGV[w + 9])
        local daily, monthly, lifetime = tonumber(ARGV[w + 10]), tonumber(ARGV[w + 11]), tonumber(ARGV[w + 12])
        if not wantReq or wantReq < 0 or not wantTok or wantTok < 0 or not wantCon or wantCon < 0
          or not keepReq or keepReq < 0 or not keepTok or keepTok < 0 or not keepCon or keepCon < 0
          or not rpm or not tpm or not concurrency or not daily or not monthly or not lifetime or lifetime < 1 then
          return {-1}
        end
        local blocks = KEYS[8]

        """ + ClockAndPurge + $$"""
        local replica = ARGV[1]
        local epoch = redis.call('GET', KEYS[7]) or '0'
        local function dayOf(key) if key == KEYS[4] or key == KEYS[5] then return key end return nil end
        local own = redis.call('HGET', blocks, replica)
        local ownReq, ownTok, ownCon, bday, ownEpoch, ownExp = 0, 0, 0, KEYS[4], nil, 0
        if own then ownReq, ownTok, ownCon, bday, ownEpoch, ownExp = parse(own) end
        local d = dayOf(bday)
        local latest, added, charged = 0, 0, 0
        if ARGV[2] == epoch then
          for i = 1, n do
            local b = 3 + 7 * (i - 1)
            local id, at, expiry = ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
            local reserved, state, actual, cost = tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]), tonumber(ARGV[b + 7])
            local record = KEYS[8 + i]
            local ok = valid(id) and at and expiry and reserved and reserved >= 1 and reserved <= {{MaxTokens}} and reserved % 1 == 0
              and (state == 0 or state == 1 or state == 2) and actual and actual >= 0 and actual <= {{2 * MaxTokens}} and actual % 1 == 0
              and cost and cost >= 0 and cost <= {{MaxCostMicroUsd}} and cost % 1 == 0
            if ok and state ~= 0 and redis.call('HGET', record, 'st') == '0' and redis.call('HGET', record, 'ep') == epoch then
              -- Handed over open by a call whose answer was lost, finished on the replica since: finish it here,
              -- as Settle or Release would, instead of skipping it as already had.
              if state == 1 then
                local lease = redis.call('HMGET', record, 'tok', 'day')
                settleOpen(KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], record, id, tonumber(lease[1]), lease[2], actual, cost)
              else
                redis.call('ZREM', KEYS[3], id)
                redis.call('HSET', record, 'st', 2)
                redis.call('PEXPIRE', record, {{FinishedLeaseMs}})
              end
            elseif ok and redis.call('EXISTS', record) == 0 and not redis.call('ZSCORE', KEYS[1], id) then
              local counted = reserved
              if state == 1 then counted = actual end
              if at > now - window then
                redis.call('ZADD', KEYS[1], at, id)
                redis.call('HSET', KEYS[2], id, counted)
                redis.call('HINCRBY', KEYS[2], 'sum', counted)
              end
              added = added + reserved
              if state == 1 then
                charged = charged + actual - reserved
                if cost > 0 then
                  redis.call('INCRBY', KEYS[6], cost)
                  redis.call('EXPIRE', KEYS[6], 3456000)
                end
              end
              redis.call('HSET', record, 'tok', reserved, 'day', bday, 'st', state, 'ep', epoch)
              if state == 0 and expiry > now then
                redis.call('ZADD', KEYS[3], expiry, id)
                redis.call('PEXPIRE', record, expiry - now + {{SettleGraceMs}})
                if expiry > latest then latest = expiry end
              else
                redis.call('PEXPIRE', record, {{FinishedLeaseMs}})
              end
            end
          end
        end
        -- The block goes back whole. What it reserved on the day stays charged for the entries it admitted
        -- (those added now); the rest is refunded, or, when it reserved less than they took, charged. So also
        -- for a block that expired while its replica could not reach the store (counted no more, still charged).
        -- Settled entries are charged their actual use, in the same step: refunded before the rest was charged, a
        -- refund larger than the day so far was cut at zero (the guard) and the entries charged their reservations.
        if own then
          if ownExp > now then breq, btok, bcon = breq - ownReq, btok - ownTok, bcon - ownCon end
          redis.call('HDEL', blocks, replica)
        end
        local dayDelta = added - ownTok + charged
        if d and dayDelta ~= 0 and redis.call('INCRBY', d, dayDelta) < 0 then redis.call('SET', d, 0) end
        local req, tok, con = 0, 0, 0
        local requests = redis.call('ZCARD', KEYS[1]) + breq
        local used = tonumber(redis.call('HGET', KEYS[2], 'sum') or 0) + btok
        -- At least what the replica keeps: what it may admit from its block while this call is on its way, always
        -- within the room, as that was reserved by the block just returned.
        if (wantReq > 0 and wantTok > 0 or keepReq > 0) and (monthly < 0 or tonumber(redis.call('GET', KEYS[6]) or 0) < monthly) then
          req, tok, con = math.max(wantReq, keepReq), math.max(wantTok, keepTok), 0
          if rpm >= 0 then req = math.min(req, rpm - requests) end
          if tpm >= 0 then tok = math.min(tok, tpm - used) end
          if daily >= 0 then tok = math.min(tok, daily - tonumber(redis.call('GET', KEYS[4]) or 0)) end
          if concurrency >= 0 then
            con = math.min(math.max(wantCon, keepCon), concurrency - redis.call('ZCARD', KEYS[3]) - bcon)
          end
          if req < 1 or tok < 1 or (concurrency >= 0 and con < 1) then
            req, tok, con = 0, 0, 0
          else
            redis.call('HSET', blocks, replica, req .. ' ' .. tok .. ' ' .. con .. ' ' .. KEYS[4] .. ' ' .. epoch .. ' ' .. (now + lifetime))
            -- Remembered for ExpiredBlockMs after it expires (see ClockAndPurge).
            redis.call('PEXPIRE', blocks, lifetime + {{ExpiredBlockMs}})
            redis.call('INCRBY', KEYS[4], tok)
            redis.call('EXPIRE', KEYS[4], 172800)
            requests = requests + req
            used = used + tok
          end
        end
        -- No block because a limit has no room at all: the store would refuse every request now, for this reason.
        local reason, retry = 0, 0
        if wantReq > 0 and req == 0 then
          if monthly >= 0 and tonumber(redis.call('GET', KEYS[6]) or 0) >= monthly then
            reason = 5
          elseif daily >= 0 and daily - tonumber(redis.call('GET', KEYS[4]) or 0) < 1 then
            reason = 4
          elseif (rpm >= 0 and rpm - requests < 1) or (tpm >= 0 and tpm - used < 1) then
            reason = 1
            if rpm < 0 or rpm - requests >= 1 then reason = 2 end
            -- The oldest entry leaves first; with only blocks counted, one of them returns within a second.
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            retry = 1000
            if #oldest > 0 then retry = math.max(1, tonumber(oldest[2]) + window - now) end
          elseif concurrency >= 0 and concurrency - redis.call('ZCARD', KEYS[3]) - bcon < 1 then
            reason = 3
            retry = 1000
            local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
            if #first > 0 then retry = math.max(1, math.min(1000, tonumber(first[2]) - now)) end
          end
        end
        if n > 0 or req > 0 then
          redis.call('PEXPIRE', KEYS[1], window + 1000)
          redis.call('PEXPIRE', KEYS[2], window + 1000)
        end
        if latest > 0 and redis.call('PTTL', KEYS[3]) < latest - now + 1000 then redis.call('PEXPIRE', KEYS[3], latest - now + 1000) end
        return {req, tok, con, epoch, requests, used, now, reason, retry}
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
    public static readonly string Settle = ValidId + SettleOpenLease + $$"""
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
              settleOpen(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], record, id, tonumber(lease[2]), lease[3], actual, cost)
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
              redis.call('HINCRBY', KEYS[2], 'sum', 0 - tonumber(counted))
            end
            if lease[3] == KEYS[3] and redis.call('INCRBY', KEYS[3], 0 - tonumber(lease[2])) < 0 then redis.call('SET', KEYS[3], 0) end
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
    /// KEYS: log, tokens, leases, day, month, blocks, usage epoch. Forgets the tenant's usage: empties its windows,
    /// leases, blocks and budgets and moves the epoch on, so a lease admitted before settles as unknown
    /// (<see cref="Settle"/>) and a block's admissions from before are not handed over (<see cref="Block"/>).
    /// One script, so no admission lands between the two.
    /// </summary>
    public const string ResetUsage = """
        redis.call('INCR', KEYS[7])
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
        return 1
        """;

    /// <summary>
    /// KEYS: log, tokens, leases, day, month, blocks. Returns {requests, tokens, active leases, day tokens, month
    /// micro-USD}; what blocks reserve counts, as it does against the limits.
    /// </summary>
    public static readonly string Usage = "local blocks = KEYS[6]\n" + ClockAndPurge + """
        return {redis.call('ZCARD', KEYS[1]) + breq, tonumber(redis.call('HGET', KEYS[2], 'sum') or 0) + btok,
          redis.call('ZCARD', KEYS[3]) + bcon, tonumber(redis.call('GET', KEYS[4]) or 0),
          tonumber(redis.call('GET', KEYS[5]) or 0)}
        """;

    /// <summary>Every script, for loading at start.</summary>
    public static IEnumerable<string> All => [Admit, Block, Settle, Release, Reconcile, Usage, ResetUsage];
}
