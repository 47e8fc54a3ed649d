using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Switchyard.Admission;

/// <summary>
/// The in-process limiter used while the quota store is unreachable: the same sliding 60 s log and
/// leases as the store's scripts, with each rate and concurrency limit divided by the replica count so
/// that all replicas together stay within the tenant's limits. A replica that falls back also counts
/// its share of what the shared window held at the store's last answer, draining as that window would,
/// so a stall while a tenant is at its limit does not hand every replica a fresh allowance. Budgets
/// need the shared totals and are not checked here.
/// </summary>
internal sealed class LocalFallbackLimiter(TimeProvider clock, IOptionsMonitor<AdmissionOptions> options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(AdmissionScripts.WindowMs);

    private readonly ConcurrentDictionary<string, TenantWindow> _tenants = new(StringComparer.Ordinal);

    public AdmissionDecision Admit(TenantDefinition tenant, AdmissionRequest request, AdmissionLease lease)
    {
        var current = options.CurrentValue;
        var limits = tenant.Limits;
        var window = _tenants.GetOrAdd(tenant.Id, static _ => new TenantWindow());
        return window.Admit(lease, request.ReservedTokens, clock.GetUtcNow().UtcTicks, current.LeaseDuration.Ticks, current.ReplicaCount,
            Share(limits.RequestsPerMinute, current.ReplicaCount), Share(limits.TokensPerMinute, current.ReplicaCount),
            Share(limits.MaxConcurrency, current.ReplicaCount));
    }

    /// <summary>Records the tenant's shared window as the store just reported it (requests, tokens, time until it is empty).</summary>
    public void Observe(string tenantId, long requests, long tokens, TimeSpan untilEmpty) =>
        _tenants.GetOrAdd(tenantId, static _ => new TenantWindow())
            .Observe(new SharedWindow(requests, tokens, clock.GetUtcNow().UtcTicks, Math.Max(0, untilEmpty.Ticks)));

    public void Settle(AdmissionLease lease, long actualTokens)
    {
        if (_tenants.TryGetValue(lease.TenantId, out var window))
        {
            window.Settle(lease.LeaseId, actualTokens);
        }
    }

    public void Release(AdmissionLease lease)
    {
        if (_tenants.TryGetValue(lease.TenantId, out var window))
        {
            window.Release(lease.LeaseId);
        }
    }

    /// <summary>
    /// Every tenant's local admissions not yet handed to the store, marked as handed over: once the store
    /// answers again they are written into the shared window, which then counts them too.
    /// </summary>
    public IReadOnlyList<(string TenantId, IReadOnlyList<LocalAdmission> Admissions)> TakeUnshared() =>
        [.. _tenants.Select(t => (t.Key, t.Value.TakeUnshared())).Where(t => t.Item2.Count > 0)];

    // Rounded down, so the replicas' shares never add up to more than the limit; at least 1 so a tenant is never shut out.
    private static long? Share(long? limit, int replicas) => limit is { } value ? Math.Max(1, value / replicas) : null;

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
        private readonly Queue<Entry> _log = new();
        private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _leases = new(StringComparer.Ordinal);
        private long _tokens;
        private long _newestAt;
        private SharedWindow? _shared;

        public void Observe(SharedWindow shared) => Volatile.Write(ref _shared, shared);

        public AdmissionDecision Admit(AdmissionLease lease, long tokens, long now, long leaseTicks, int replicas, long? rpm, long? tpm, long? concurrency)
        {
            var shared = Volatile.Read(ref _shared);
            var (sharedRequests, sharedTokens) = shared?.ShareAt(now, replicas) ?? (0, 0);
            lock (_log)
            {
                while (_log.TryPeek(out var oldest) && oldest.At <= now - Window.Ticks)
                {
                    _log.Dequeue();
                    _entries.Remove(oldest.Id);
                    _tokens -= oldest.Tokens;
                }

                foreach (var (id, expiry) in _leases)
                {
                    if (expiry <= now)
                    {
                        _leases.Remove(id);
                    }
                }

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
                    retry = sharedTokens > 0 ? shared!.TokensDrain(_tokens + sharedTokens + tokens - tokenLimit, replicas) : Window;
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
                else if (concurrency is { } concurrencyLimit && _leases.Count + 1 > concurrencyLimit)
                {
                    reason = RejectionReason.Concurrency;
                    retry = TimeSpan.FromSeconds(1);
                }

                if (reason is null)
                {
                    var entry = new Entry(lease.LeaseId, now, tokens);
                    _log.Enqueue(entry);
                    _entries[entry.Id] = entry;
                    _tokens += tokens;
                    _newestAt = now;
                    _leases[lease.LeaseId] = now + leaseTicks;
                }

                var reset = _log.Count == 0 ? TimeSpan.Zero : Until(_newestAt, now);
                var snapshot = RateLimitSnapshot.Of(rpm, _log.Count + sharedRequests, reset, tpm, _tokens + sharedTokens, reset);
                return reason is { } rejected
                    ? AdmissionDecision.Reject(rejected, retry, snapshot, degraded: true)
                    : AdmissionDecision.Admit(lease, snapshot);
            }
        }

        public void Settle(string leaseId, long actualTokens)
        {
            lock (_log)
            {
                if (_entries.TryGetValue(leaseId, out var entry))
                {
                    _tokens += actualTokens - entry.Tokens;
                    entry.Tokens = actualTokens;
                }

                _leases.Remove(leaseId);
            }
        }

        public IReadOnlyList<LocalAdmission> TakeUnshared()
        {
            lock (_log)
            {
                var taken = new List<LocalAdmission>();
                foreach (var entry in _log.Where(e => !e.Shared))
                {
                    entry.Shared = true;
                    taken.Add(new LocalAdmission(entry.Id, new DateTimeOffset(entry.At, TimeSpan.Zero).ToUnixTimeMilliseconds(), entry.Tokens));
                }

                return taken;
            }
        }

        public void Release(string leaseId)
        {
            lock (_log)
            {
                _leases.Remove(leaseId);
            }
        }

        private static TimeSpan Until(long enteredAt, long now) => TimeSpan.FromTicks(enteredAt + Window.Ticks - now);
    }

    private sealed class Entry(string id, long at, long tokens)
    {
        public string Id { get; } = id;
        public long At { get; } = at;
        public long Tokens { get; set; } = tokens;

        /// <summary>Handed to the store after an outage.</summary>
        public bool Shared { get; set; }
    }
}

/// <summary>A request admitted locally: its window entry id, when (unix ms) and the tokens it counts.</summary>
internal readonly record struct LocalAdmission(string Id, long AtUnixMs, long Tokens);
