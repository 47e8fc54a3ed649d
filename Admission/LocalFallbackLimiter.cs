using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Switchyard.Admission;

/// <summary>
/// The in-process limiter used while the quota store is unreachable: the same sliding 60 s log and
/// leases as the store's scripts, with each rate and concurrency limit divided by the replica count so
/// that all replicas together stay within the tenant's limits. A replica that falls back also counts
/// its share of what the shared window held at the store's last answer, draining as that window would,
/// and the store leases it holds itself, so a stall while a tenant is at its limit does not hand every
/// replica a fresh allowance. Budgets need the shared totals and are not checked here.
/// Its leases are settled and released here, each at most once. What it admitted is handed to the store
/// (<see cref="LocalAdmissionReconciler"/>) before the store admits anything more for the tenant.
/// </summary>
internal sealed class LocalFallbackLimiter(TimeProvider clock, IOptionsMonitor<AdmissionOptions> options)
{
    private static readonly long WindowTicks = TimeSpan.FromMilliseconds(AdmissionScripts.WindowMs).Ticks;
    private static readonly long GraceTicks = TimeSpan.FromMilliseconds(AdmissionScripts.SettleGraceMs).Ticks;

    private readonly ConcurrentDictionary<string, TenantWindow> _tenants = new(StringComparer.Ordinal);

    /// <summary>Decides locally; throws <see cref="LeaseConflictException"/> when this replica already knows the lease id.</summary>
    public AdmissionDecision Admit(TenantDefinition tenant, AdmissionRequest request, string leaseId, TimeSpan lifetime)
    {
        var current = options.CurrentValue;
        var limits = tenant.Limits;
        var replicas = current.ReplicaCount;
        return WindowOf(tenant.Id).Admit(tenant.Id, leaseId, request.ReservedTokens, clock.GetUtcNow(), lifetime, replicas,
            Share(limits.RequestsPerMinute, replicas), Share(limits.TokensPerMinute, replicas), Share(limits.MaxConcurrency, replicas));
    }

    /// <summary>
    /// Records the tenant's shared window as the store just reported it (requests, tokens, time until it is
    /// empty) and, when the store admitted, the lease this replica now holds there.
    /// </summary>
    public void Observe(string tenantId, long requests, long tokens, TimeSpan untilEmpty, AdmissionLease? admitted)
    {
        var window = WindowOf(tenantId);
        var now = clock.GetUtcNow().UtcTicks;
        window.Observe(new SharedWindow(requests, tokens, now, Math.Max(0, untilEmpty.Ticks)));
        if (admitted is not null)
        {
            window.Hold(admitted.LeaseId, admitted.ExpiresAt.UtcTicks, now);
        }
    }

    /// <summary>This replica's local leases of the tenant still in flight: the store counts them against its concurrency limit.</summary>
    public int HeldLocally(string tenantId) => _tenants.TryGetValue(tenantId, out var window) ? window.HeldLocally(clock.GetUtcNow().UtcTicks) : 0;

    /// <summary>Settles a local lease; null when the lease is not one of this replica's local leases.</summary>
    public LeaseOutcome? Settle(string tenantId, string leaseId, long actualTokens) =>
        _tenants.TryGetValue(tenantId, out var window) ? window.Finish(leaseId, actualTokens) : null;

    /// <summary>Releases a local lease; null when the lease is not one of this replica's local leases.</summary>
    public LeaseOutcome? Release(string tenantId, string leaseId) =>
        _tenants.TryGetValue(tenantId, out var window) ? window.Finish(leaseId, actualTokens: null) : null;

    /// <summary>A store lease this replica holds has been settled or released (or that was tried): no longer counted here.</summary>
    public void Finished(string tenantId, string leaseId)
    {
        if (_tenants.TryGetValue(tenantId, out var window))
        {
            window.Drop(leaseId);
        }
    }

    /// <summary>An admission timed out and was refused locally: should it have reached the store, it is undone there.</summary>
    public void Abandon(string tenantId, string leaseId) => WindowOf(tenantId).Abandon(leaseId);

    public bool HasPending(string tenantId) => _tenants.TryGetValue(tenantId, out var window) && window.HasPending;

    public IReadOnlyList<string> TenantsWithPending() => [.. _tenants.Where(t => t.Value.HasPending).Select(t => t.Key)];

    /// <summary>Up to <paramref name="max"/> of the tenant's local admissions and abandoned ids not yet in the store; null when there are none.</summary>
    public HandOverBatch? TakePending(string tenantId, int max) =>
        _tenants.TryGetValue(tenantId, out var window) ? window.TakePending(max) : null;

    /// <summary>The store did not take the batch: it is pending again.</summary>
    public void Returned(string tenantId, HandOverBatch batch) => WindowOf(tenantId).Return(batch);

    private TenantWindow WindowOf(string tenantId) => _tenants.GetOrAdd(tenantId, static _ => new TenantWindow());

    // Rounded down, so the replicas' shares never add up to more than the limit; at least 1 so a tenant is never shut out.
    private static long? Share(long? limit, int replicas) => limit is { } value ? Math.Max(1, value / replicas) : null;

    /// <summary>Local admissions and abandoned ids for the store, in one script call.</summary>
    internal sealed class HandOverBatch(List<Entry> entries, List<string> abandoned)
    {
        public List<Entry> Entries { get; } = entries;

        public IReadOnlyList<LocalAdmission> Admissions { get; } =
            [.. entries.Select(e => new LocalAdmission(e.Id, new DateTimeOffset(e.At, TimeSpan.Zero).ToUnixTimeMilliseconds(), e.Tokens))];

        public List<string> Abandoned { get; } = abandoned;
    }

    /// <summary>The shared window at the store's last answer; it empties over <paramref name="UntilEmpty"/> ticks.</summary>
    private sealed record SharedWindow(long Requests, long Tokens, long At, long UntilEmpty)
    {
        /// <summary>This replica's share of what is still in the shared window, assuming it drains evenly.</summary>
        public (long Requests, long Tokens) ShareAt(long now, int replicas)
        {
            var left = At + UntilEmpty - now;
            if (left <= 0 || UntilEmpty == 0)
            {
                return (0, 0);
            }

            var fraction = (double)left / UntilEmpty / replicas;
            return ((long)Math.Ceiling(Requests * fraction), (long)Math.Ceiling(Tokens * fraction));
        }

        /// <summary>How long until this replica's share of the shared window loses one request.</summary>
        public TimeSpan OneRequestDrains(int replicas) => Drains(1, Requests, replicas);

        /// <summary>How long until this replica's share of the shared window loses <paramref name="tokens"/> tokens.</summary>
        public TimeSpan TokensDrain(long tokens, int replicas) => Drains(tokens, Tokens, replicas);

        private TimeSpan Drains(long amount, long total, int replicas) =>
            TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (long)Math.Min(UntilEmpty, (double)UntilEmpty * amount * replicas / Math.Max(1, total))));
    }

    private sealed class TenantWindow
    {
        private readonly Lock _lock = new();
        private readonly Queue<Entry> _log = new();

        // Local leases by id, remembered until they can no longer be settled, so each settles at most once.
        private readonly Dictionary<string, Entry> _leases = new(StringComparer.Ordinal);

        // Store leases this replica holds (id to expiry): counted against concurrency while the store is away.
        private readonly Dictionary<string, long> _storeLeases = new(StringComparer.Ordinal);
        private int _nextStorePurge = 64;

        private List<Entry> _pending = [];
        private List<string> _abandoned = [];
        private volatile bool _hasPending;
        private long _tokens;
        private long _newestAt;
        private int _holding;
        private SharedWindow? _shared;

        public bool HasPending => _hasPending;

        public void Observe(SharedWindow shared) => Volatile.Write(ref _shared, shared);

        public AdmissionDecision Admit(string tenantId, string leaseId, long tokens, DateTimeOffset at, TimeSpan lifetime, int replicas, long? rpm, long? tpm, long? concurrency)
        {
            var now = at.UtcTicks;
            var shared = Volatile.Read(ref _shared);
            var (sharedRequests, sharedTokens) = shared?.ShareAt(now, replicas) ?? (0, 0);
            lock (_lock)
            {
                if (_leases.ContainsKey(leaseId) || _storeLeases.ContainsKey(leaseId))
                {
                    throw new LeaseConflictException(tenantId, leaseId);
                }

                Purge(now);
                RejectionReason? reason = null;
                var retry = TimeSpan.Zero;
                if (rpm is { } requestLimit && _log.Count + sharedRequests + 1 > requestLimit)
                {
                    reason = RejectionReason.RequestsPerMinute;
                    retry = sharedRequests > 0 ? shared!.OneRequestDrains(replicas) : Until(_log.Peek().At, now);
                }
                else if (tpm is { } tokenLimit && _tokens + sharedTokens + tokens > tokenLimit)
                {
                    reason = RejectionReason.TokensPerMinute;
                    retry = sharedTokens > 0 ? shared!.TokensDrain(_tokens + sharedTokens + tokens - tokenLimit, replicas) : TimeSpan.FromTicks(WindowTicks);
                    var freed = 0L;
                    foreach (var entry in _log)
                    {
                        freed += entry.Tokens;
                        if (tokens <= tokenLimit && _tokens + sharedTokens - freed + tokens <= tokenLimit)
                        {
                            retry = Until(entry.At, now);
                            break;
                        }
                    }
                }
                else if (concurrency is { } concurrencyLimit && _holding + StoreLeasesHeld(now) + 1 > concurrencyLimit)
                {
                    reason = RejectionReason.Concurrency;
                    retry = TimeSpan.FromSeconds(1);
                }

                AdmissionLease? lease = null;
                if (reason is null)
                {
                    lease = new AdmissionLease(tenantId, leaseId, tokens, at, at + lifetime, Degraded: true);
                    var entry = new Entry(leaseId, now, tokens, lease.ExpiresAt.UtcTicks);
                    _log.Enqueue(entry);
                    _leases[leaseId] = entry;
                    _pending.Add(entry);
                    _hasPending = true;
                    _tokens += tokens;
                    _newestAt = now;
                    _holding++;
                }

                var reset = _log.Count == 0 ? TimeSpan.Zero : Until(_newestAt, now);
                var snapshot = RateLimitSnapshot.Of(rpm, _log.Count + sharedRequests, reset, tpm, _tokens + sharedTokens, reset);
                return lease is not null
                    ? AdmissionDecision.Admit(lease, snapshot)
                    : AdmissionDecision.Reject(reason!.Value, retry, snapshot, degraded: true);
            }
        }

        public int HeldLocally(long now)
        {
            if (Volatile.Read(ref _holding) == 0)
            {
                return 0;
            }

            lock (_lock)
            {
                Purge(now);
                return _holding;
            }
        }

        /// <summary>Settles (with the actual tokens) or releases (null) a local lease, once.</summary>
        public LeaseOutcome? Finish(string leaseId, long? actualTokens)
        {
            lock (_lock)
            {
                if (!_leases.TryGetValue(leaseId, out var entry))
                {
                    return null;
                }

                if (entry.Finished)
                {
                    return LeaseOutcome.AlreadyFinished;
                }

                entry.Finished = true;
                if (!entry.Expired)
                {
                    _holding--;
                }

                if (actualTokens is { } actual)
                {
                    if (entry.InWindow)
                    {
                        _tokens += actual - entry.Tokens;
                    }

                    entry.Tokens = actual;
                }

                return LeaseOutcome.Applied;
            }
        }

        public void Hold(string leaseId, long expiresAt, long now)
        {
            lock (_lock)
            {
                _storeLeases[leaseId] = expiresAt;
                if (_storeLeases.Count >= _nextStorePurge)
                {
                    StoreLeasesHeld(now);
                    _nextStorePurge = Math.Max(64, _storeLeases.Count * 2);
                }
            }
        }

        public void Drop(string leaseId)
        {
            lock (_lock)
            {
                _storeLeases.Remove(leaseId);
            }
        }

        public void Abandon(string leaseId)
        {
            lock (_lock)
            {
                _abandoned.Add(leaseId);
                _hasPending = true;
            }
        }

        public HandOverBatch? TakePending(int max)
        {
            lock (_lock)
            {
                if (_pending.Count == 0 && _abandoned.Count == 0)
                {
                    return null;
                }

                var entries = _pending.Take(max).ToList();
                var abandoned = _abandoned.Take(max).ToList();
                _pending.RemoveRange(0, entries.Count);
                _abandoned.RemoveRange(0, abandoned.Count);
                _hasPending = _pending.Count > 0 || _abandoned.Count > 0;
                return new HandOverBatch(entries, abandoned);
            }
        }

        public void Return(HandOverBatch batch)
        {
            lock (_lock)
            {
                _pending.InsertRange(0, batch.Entries);
                _abandoned.InsertRange(0, batch.Abandoned);
                _hasPending = true;
            }
        }

        // Entries that left the window take their tokens; expired leases free their slot (they can still be
        // settled for the grace period, like the store's) and are forgotten after it.
        private void Purge(long now)
        {
            while (_log.TryPeek(out var oldest) && oldest.At <= now - WindowTicks)
            {
                _log.Dequeue();
                oldest.InWindow = false;
                _tokens -= oldest.Tokens;
            }

            foreach (var (id, entry) in _leases)
            {
                if (!entry.Finished && !entry.Expired && entry.HeldUntil <= now)
                {
                    entry.Expired = true;
                    _holding--;
                }

                if (entry.HeldUntil + GraceTicks <= now)
                {
                    _leases.Remove(id);
                }
            }
        }

        private int StoreLeasesHeld(long now)
        {
            foreach (var (id, expiresAt) in _storeLeases)
            {
                if (expiresAt <= now)
                {
                    _storeLeases.Remove(id);
                }
            }

            return _storeLeases.Count;
        }

        private static TimeSpan Until(long enteredAt, long now) => TimeSpan.FromTicks(enteredAt + WindowTicks - now);
    }

    internal sealed class Entry(string id, long at, long tokens, long heldUntil)
    {
        public string Id { get; } = id;

        public long At { get; } = at;

        public long Tokens { get; set; } = tokens;

        public long HeldUntil { get; } = heldUntil;

        public bool InWindow { get; set; } = true;

        public bool Finished { get; set; }

        /// <summary>Its concurrency slot ran out before it was settled or released.</summary>
        public bool Expired { get; set; }
    }
}
