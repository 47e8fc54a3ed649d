using System.Diagnostics;

namespace Switchyard.Admission;

/// <summary>
/// One tenant's block on this replica (<see cref="AdmissionBlocks"/>): what the store last granted, the
/// requests admitted from it that the store does not have yet, and the tenant's rate here. Every entry not
/// yet handed over counts against the latest grant (also one admitted while the previous hand-over was on its
/// way: that call returned the old block, so only the new one covers it), so the store always reserves at
/// least what this replica has admitted without it. All state is guarded by one lock, held for a few
/// field updates; nothing waits on the store under it.
/// </summary>
internal sealed class TenantBlock(string tenantId)
{
    /// <summary>
    /// The share of any limit all replicas' blocks may hold together. Blocks only ever err towards refusing
    /// (what they reserve and have not used counts as used), so this bounds how far under a limit a tenant
    /// can be held: a limit too small for a block of two requests is never served from blocks, and stays exact.
    /// </summary>
    public const double Share = 0.01;

    /// <summary>The most requests one block holds: beyond this a hand-over's arguments grow with no gain in round trips.</summary>
    public const int MaxRequests = 1_000;

    /// <summary>With no admission for this long, the block is returned and the hand-overs stop.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// About how many entries a busy tenant's hand-over carries (<see cref="Interval"/>). The store runs a hand-over's
    /// script in one piece, busy for all of it (about 15 µs an entry on redis-server here) and serving nobody else
    /// meanwhile; an interval's entries at once made a burst that the one-at-a-time p99 through the Router showed
    /// (1.67 ms with a hand-over every 20 ms, 1.31 ms every 5 ms, same bench run). Ten keep a call under a fifth of a
    /// millisecond and the store's calls at most one per ten requests.
    /// </summary>
    public const int EntriesPerHandOver = 10;

    private readonly Lock _lock = new();

    // Admitted here and not yet in the store, by lease id: waiting for the next hand-over or on their way.
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private List<Entry> _waiting = [];
    private List<Entry>? _sending;
    private TaskCompletionSource? _sent;

    // The latest grant; no block when _requests is 0. _expiresAt is local ticks (0: not to be used).
    private long _requests;
    private long _tokens;
    private long _concurrency;
    private long _expiresAt;
    private string? _epoch;
    private long _storeOffsetMs;
    private long _windowRequests;
    private long _windowTokens;

    // The store's refusal at the latest answer (a StoreRejection code, 0 for none), trusted until _refusedUntil (local ticks).
    private long _refusal;
    private long _refusalRetryMs;
    private long _refusedAt;
    private long _refusedUntil;

    // What the entries not yet handed over take from the grant (their count is _entries.Count).
    private long _takenTokens;
    private long _open;

    // The tenant's admissions here (from blocks or not): this second, the one before, since the last hand-over.
    private long _second;
    private long _thisSecond;
    private long _lastSecond;
    private long _sinceHandOver;
    private long _handedOverAt;
    private double _averageReserved;
    private long _lastSeen;
    private TenantDefinition? _tenant;
    private bool _running;

    // The last call went unanswered: it may have landed and left the store holding a block this replica never
    // heard of, so the hand-overs go on until one is answered (which returns it).
    private bool _unanswered;

    public string TenantId { get; } = tenantId;

    /// <summary>How long the hand-over loop waits before the next hand-over (<see cref="Interval"/>), set by each.</summary>
    public TimeSpan NextInterval { get; private set; }

    /// <summary>
    /// Admits from the block when it has room for the request, else null (the caller asks the store). Either way
    /// the admission counts towards the tenant's rate; <paramref name="start"/> is set when the tenant has become
    /// hot enough for blocks and the caller is to start the hand-overs.
    /// </summary>
    public AdmissionDecision? TryAdmit(TenantDefinition tenant, long reservedTokens, TimeSpan lifetime, DateTimeOffset now, BlockSettings settings, out bool start)
    {
        var ticks = now.UtcTicks;
        lock (_lock)
        {
            _tenant = tenant;
            Seen(reservedTokens, ticks);
            start = false;
            if (AdmitFromBlock(tenant, reservedTokens, lifetime, now) is { } admitted)
            {
                return admitted;
            }

            if (_refusal != 0 && ticks < _refusedUntil && StoreRejection.Of(_refusal, Math.Max(1, _refusalRetryMs - (ticks - _refusedAt) / TimeSpan.TicksPerMillisecond), now) is { } refused)
            {
                // A limit had no room at all at the last hand-over: the store would refuse this request too, for a round trip.
                return AdmissionDecision.Reject(refused.Reason, refused.RetryAfter, Snapshot(tenant), degraded: false);
            }

            if (!_running && !settings.Stopping && Math.Max(_thisSecond, _lastSecond) >= settings.MinRate
                && Wanted(tenant, Math.Max(_thisSecond, _lastSecond) * settings.Interval.TotalSeconds, settings).Requests > 0)
            {
                _running = true;
                start = true;
            }

            return null;
        }
    }

    /// <summary>
    /// Admits from the block when it has room, else null; for a request the store has just refused (it counted this
    /// block as used), so it is not counted towards the tenant's rate a second time.
    /// </summary>
    public AdmissionDecision? TryAdmitAgain(TenantDefinition tenant, long reservedTokens, TimeSpan lifetime, DateTimeOffset now)
    {
        lock (_lock)
        {
            return AdmitFromBlock(tenant, reservedTokens, lifetime, now);
        }
    }

    /// <summary>
    /// Completes when the hand-over on its way has been answered (or failed); null when none is. Until it lands the
    /// store counts the block it returns as used, room the answer may hand straight back as the next block.
    /// </summary>
    public Task? HandOverOnItsWay()
    {
        lock (_lock)
        {
            return _sending is null ? null : _sent!.Task;
        }
    }

    /// <summary>
    /// Settles (<paramref name="state"/> 1) or releases (2) a lease admitted here before the store has it: it goes
    /// with the next hand-over, whose outcome is the answer. Null when the store has the lease (or never had it
    /// from here): the caller asks the store. A caller waits at most <paramref name="patience"/> for that hand-over
    /// (longer only while the lease is on its way as open, which ends within one store call): while the store does
    /// not answer it gets <see cref="LeaseOutcome.StoreUnavailable"/>, and the settlement stays recorded here and
    /// goes with the first hand-over the store takes (repeating it answers <see cref="LeaseOutcome.AlreadyFinished"/>).
    /// With no <paramref name="patience"/> the caller does not wait for that hand-over: the lease is recorded for it
    /// (<see cref="LeaseOutcome.Recorded"/>), and the hand-over completes nothing for it.
    /// </summary>
    public async ValueTask<LeaseOutcome?> FinishAsync(
        string leaseId, int state, long actualTokens, long costMicroUsd, TimeSpan? patience, TimeProvider clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (!_entries.TryGetValue(leaseId, out var entry))
                {
                    return null;
                }

                if (entry.State != 0)
                {
                    return LeaseOutcome.AlreadyFinished;
                }

                if (entry.Sending)
                {
                    // On its way as open: once it is in the store, the store settles it.
                    wait = _sent!.Task;
                }
                else
                {
                    entry.State = state;
                    entry.Actual = actualTokens;
                    entry.Cost = costMicroUsd;
                    _open--;
                    if (patience is null)
                    {
                        return LeaseOutcome.Recorded;
                    }

                    entry.Done = new TaskCompletionSource<LeaseOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = entry.Done.Task;
                }
            }

            if (wait is Task<LeaseOutcome> outcome)
            {
                try
                {
                    return await outcome.WaitAsync(patience!.Value, clock, cancellationToken);
                }
                catch (TimeoutException)
                {
                    return LeaseOutcome.StoreUnavailable;
                }
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The next hand-over: up to <paramref name="max"/> waiting entries and the block wanted next. Null when there
    /// is nothing to hand over and no block to return: the hand-overs stop until the tenant is hot again.
    /// </summary>
    public BlockHandOver? TakeHandOver(DateTimeOffset now, int max, BlockSettings settings)
    {
        var ticks = now.UtcTicks;
        lock (_lock)
        {
            var idle = settings.Stopping || ticks - _lastSeen > IdleAfter.Ticks;
            var period = ticks - _handedOverAt;
            NextInterval = Interval(_sinceHandOver, period, settings.Interval);
            // The block covers a whole BlockInterval at the last period's rate, however soon the next hand-over is
            // meant to come: under load a 5 ms wait can take several times that, and a block run out sends every
            // request to the store until the next answer (at 64 concurrent, 0.08 store calls per request against 0.03).
            var perInterval = _sinceHandOver * Math.Max(1.0, (double)settings.Interval.Ticks / Math.Max(1, period));
            var wanted = idle || _tenant is null ? default : Wanted(_tenant, perInterval, settings);
            (_sinceHandOver, _handedOverAt) = (0, ticks);
            if (_waiting.Count == 0 && wanted.Requests == 0 && _requests == 0 && !_unanswered)
            {
                _running = false;
                NextInterval = default;
                return null;
            }

            var count = Math.Min(max, _waiting.Count);
            var sending = _waiting.GetRange(0, count);
            _waiting.RemoveRange(0, count);
            foreach (var entry in sending)
            {
                entry.Sending = true;
            }

            _sending = sending;
            _sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var items = sending.Select(e => new BlockHandOverItem(e.LeaseId, e.At, e.Expiry, e.Reserved, e.State, e.Actual, e.Cost)).ToList();
            // What the current block still covers once these entries are real: the entries left waiting and whatever
            // is admitted before the answer. Returning the block whole, nothing is kept, and nothing more is admitted from it.
            var keep = default(BlockSize);
            if (wanted.Requests == 0)
            {
                _expiresAt = 0;
            }
            else
            {
                keep = new BlockSize(Math.Max(0, _requests - sending.Count), Math.Max(0, _tokens - sending.Sum(e => e.Reserved)),
                    Math.Max(0, _concurrency - sending.Count(e => e.State == 0)));
            }

            return new BlockHandOver(items, _epoch ?? "0", wanted, keep, _tenant!.Limits, ticks);
        }
    }

    /// <summary>
    /// The store took the hand-over and granted <paramref name="answer"/>'s block, or refused because a limit has no
    /// room: then requests are refused here until the next answer, for at most two <paramref name="interval"/>s.
    /// </summary>
    public void Answered(BlockHandOver handOver, BlockGrant answer, DateTimeOffset now, TimeSpan lifetime, TimeSpan interval)
    {
        lock (_lock)
        {
            var kept = handOver.Epoch == answer.Epoch;
            foreach (var entry in _sending!)
            {
                Forget(entry, kept ? LeaseOutcome.Applied : LeaseOutcome.Unknown);
            }

            if (_epoch is not null && _epoch != answer.Epoch)
            {
                // A usage reset forgot everything admitted before it: what waits here is not handed over.
                foreach (var entry in _waiting)
                {
                    Forget(entry, LeaseOutcome.Unknown);
                }

                _waiting = [];
            }

            _epoch = answer.Epoch;
            _unanswered = false;
            (_requests, _tokens, _concurrency) = (answer.Requests, answer.Tokens, answer.Concurrency);
            // The store's block lives from when the script ran, after the call was sent: counting from the send is safe.
            _expiresAt = handOver.SentAt + lifetime.Ticks;
            _storeOffsetMs = answer.StoreNowMs - now.ToUnixTimeMilliseconds();
            (_windowRequests, _windowTokens) = (answer.WindowRequests, answer.WindowTokens);
            (_refusal, _refusalRetryMs, _refusedAt, _refusedUntil) = (answer.Refusal, answer.RetryMs, now.UtcTicks, now.UtcTicks + 2 * interval.Ticks);
            Sent();
        }
    }

    /// <summary>
    /// The store did not answer: the entries wait for the next hand-over (the store skips any it already took), and
    /// nothing more is admitted from a block the store may have returned.
    /// </summary>
    public void Failed()
    {
        lock (_lock)
        {
            foreach (var entry in _sending!)
            {
                entry.Sending = false;
            }

            _waiting.InsertRange(0, _sending);
            _unanswered = true;
            // Not used until the store answers again; its size stays, as what the next call keeps.
            _expiresAt = 0;
            _refusal = 0;
            Sent();
        }
    }

    // Under the lock.
    private AdmissionDecision? AdmitFromBlock(TenantDefinition tenant, long reservedTokens, TimeSpan lifetime, DateTimeOffset now)
    {
        if (_requests == 0 || now.UtcTicks >= _expiresAt || _entries.Count >= _requests || _takenTokens + reservedTokens > _tokens
            || (tenant.Limits.MaxConcurrency is not null && _open >= _concurrency))
        {
            return null;
        }

        // 128 random bits from the runtime's thread-local generator: Guid.NewGuid costs a system call, here under the lock.
        var leaseId = ActivityTraceId.CreateRandom().ToHexString();
        var at = now.ToUnixTimeMilliseconds() + _storeOffsetMs;
        var entry = new Entry(leaseId, at, at + (long)Math.Ceiling(lifetime.TotalMilliseconds), reservedTokens);
        _entries.Add(leaseId, entry);
        _waiting.Add(entry);
        _takenTokens += reservedTokens;
        _open++;
        return AdmissionDecision.Admit(new AdmissionLease(TenantId, leaseId, reservedTokens, now, now + lifetime, Degraded: false), Snapshot(tenant));
    }

    private RateLimitSnapshot Snapshot(TenantDefinition tenant)
    {
        var reset = TimeSpan.FromMilliseconds(AdmissionScripts.WindowMs);
        return RateLimitSnapshot.Of(tenant.Limits.RequestsPerMinute, _windowRequests, reset, tenant.Limits.TokensPerMinute, _windowTokens, reset);
    }

    private void Sent()
    {
        _sending = null;
        _sent!.TrySetResult();
    }

    private void Forget(Entry entry, LeaseOutcome outcome)
    {
        _entries.Remove(entry.LeaseId);
        _takenTokens -= entry.Reserved;
        if (entry.State == 0)
        {
            _open--;
        }

        entry.Done?.TrySetResult(outcome);
    }

    private void Seen(long reservedTokens, long ticks)
    {
        var second = ticks / TimeSpan.TicksPerSecond;
        if (second != _second)
        {
            _lastSecond = second == _second + 1 ? _thisSecond : 0;
            (_second, _thisSecond) = (second, 0);
        }

        _thisSecond++;
        _sinceHandOver++;
        _lastSeen = ticks;
        _averageReserved = _averageReserved == 0 ? reservedTokens : _averageReserved * 0.9 + reservedTokens * 0.1;
    }

    /// <summary>
    /// The wait before the next hand-over: the time <see cref="EntriesPerHandOver"/> admissions take at the rate of the
    /// last period (<paramref name="admitted"/> over <paramref name="periodTicks"/>), from a quarter of
    /// <paramref name="longest"/> (BlockInterval) to all of it. So a tenant at 2,000 requests a second hands over every
    /// 5 ms (with BlockInterval 20 ms), one under 500 a second every 20 ms, as before.
    /// </summary>
    internal static TimeSpan Interval(long admitted, long periodTicks, TimeSpan longest)
    {
        var shortest = longest.Ticks / 4;
        if (admitted <= 0 || periodTicks <= 0)
        {
            return longest;
        }

        var ticks = (double)periodTicks * EntriesPerHandOver / admitted;
        return TimeSpan.FromTicks((long)Math.Clamp(ticks, shortest, longest.Ticks));
    }

    private BlockSize Wanted(TenantDefinition tenant, double perInterval, BlockSettings settings) =>
        Size(tenant.Limits, perInterval, _averageReserved, settings.Replicas);

    /// <summary>
    /// Enough for twice the admissions of one interval (the next interval and the hand-over's flight), tokens at
    /// 1.5 times the average reservation, within each limit's <see cref="Share"/> split over the replicas; none
    /// when that cannot hold two requests of the average size.
    /// </summary>
    internal static BlockSize Size(TenantLimits limits, double perInterval, double averageReserved, int replicas)
    {
        var share = Share / replicas;
        var requests = (long)Math.Min(MaxRequests, Math.Max(4, Math.Ceiling(2 * perInterval)));
        requests = Math.Min(requests, Cap(limits.RequestsPerMinute, share));
        var average = Math.Max(1, averageReserved);
        var tokens = (long)Math.Min(long.MaxValue / 2, Math.Ceiling(requests * average * 1.5));
        tokens = Math.Min(tokens, Math.Min(Cap(limits.TokensPerMinute, share), Cap(limits.DailyTokenBudget, share)));
        var concurrency = limits.MaxConcurrency is null ? 0 : Math.Min(requests, Cap(limits.MaxConcurrency, share));
        return requests < 2 || tokens < 2 * average || (limits.MaxConcurrency is not null && concurrency < 2)
            ? default
            : new BlockSize(requests, tokens, concurrency);
    }

    private static long Cap(long? limit, double share) => limit is { } value ? (long)Math.Floor(value * share) : long.MaxValue;

    private sealed class Entry(string leaseId, long at, long expiry, long reserved)
    {
        public string LeaseId { get; } = leaseId;

        public long At { get; } = at;

        public long Expiry { get; } = expiry;

        public long Reserved { get; } = reserved;

        // 0 open, 1 settled, 2 released (the hand-over script's states).
        public int State { get; set; }

        public long Actual { get; set; }

        public long Cost { get; set; }

        public bool Sending { get; set; }

        // Set when finished here: completed by the hand-over that takes it to the store.
        public TaskCompletionSource<LeaseOutcome>? Done { get; set; }
    }
}
