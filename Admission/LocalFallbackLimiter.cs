using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Switchyard.Admission;

/// <summary>
/// The in-process limiter used while the quota store is unreachable: the same sliding 60 s log and
/// leases as the store's scripts, with each rate and concurrency limit divided by the replica count so
/// that all replicas together stay within the tenant's limits. Budgets need the shared totals and are
/// not checked here.
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
        return window.Admit(lease, request.ReservedTokens, clock.GetUtcNow().UtcTicks, current.LeaseDuration.Ticks,
            Share(limits.RequestsPerMinute, current.ReplicaCount), Share(limits.TokensPerMinute, current.ReplicaCount),
            Share(limits.MaxConcurrency, current.ReplicaCount));
    }

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

    // Rounded down, so the replicas' shares never add up to more than the limit; at least 1 so a tenant is never shut out.
    private static long? Share(long? limit, int replicas) => limit is { } value ? Math.Max(1, value / replicas) : null;

    private sealed class TenantWindow
    {
        private readonly Queue<Entry> _log = new();
        private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _leases = new(StringComparer.Ordinal);
        private long _tokens;
        private long _newestAt;

        public AdmissionDecision Admit(AdmissionLease lease, long tokens, long now, long leaseTicks, long? rpm, long? tpm, long? concurrency)
        {
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
                if (rpm is { } requestLimit && _log.Count + 1 > requestLimit)
                {
                    reason = RejectionReason.RequestsPerMinute;
                    retry = Until(_log.Peek().At, now);
                }
                else if (tpm is { } tokenLimit && _tokens + tokens > tokenLimit)
                {
                    reason = RejectionReason.TokensPerMinute;
                    retry = Window;
                    var freed = 0L;
                    foreach (var entry in _log)
                    {
                        freed += entry.Tokens;
                        if (tokens <= tokenLimit && _tokens - freed + tokens <= tokenLimit)
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
                var snapshot = RateLimitSnapshot.Of(rpm, _log.Count, reset, tpm, _tokens, reset);
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
    }
}
