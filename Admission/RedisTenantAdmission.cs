using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Admission against the shared store: every check and update of one admission is one script, one
/// round trip. When the store does not answer within StoreTimeout the local fallback decides.
/// </summary>
internal sealed class RedisTenantAdmission(
    IConnectionMultiplexer redis,
    TenantDirectory directory,
    LocalFallbackLimiter fallback,
    StoreGate gate,
    AdmissionTelemetry telemetry,
    TimeProvider clock,
    IOptionsMonitor<AdmissionOptions> options) : ITenantAdmission
{
    private const long Unlimited = -1;

    private readonly ConcurrentDictionary<string, TenantKeySet> _keys = new(StringComparer.Ordinal);

    public ValueTask<KeyResolution> ResolveKeyAsync(string apiKey, CancellationToken cancellationToken) =>
        directory.ResolveAsync(apiKey, cancellationToken);

    public async ValueTask<AdmissionDecision> AdmitAsync(TenantDefinition tenant, AdmissionRequest request, CancellationToken cancellationToken)
    {
        var decision = tenant.AllowsModelGroup(request.ModelGroup)
            ? await DecideAsync(tenant, request, cancellationToken)
            : AdmissionDecision.Reject(RejectionReason.ModelNotAllowed, TimeSpan.Zero, LimitsOnly(tenant.Limits), degraded: false);
        telemetry.Decided(tenant.Id, decision);
        return decision;
    }

    public async ValueTask SettleAsync(AdmissionLease lease, UsageReport usage, CancellationToken cancellationToken)
    {
        var actual = usage.InputTokens + usage.OutputTokens;
        if (lease.Degraded)
        {
            fallback.Settle(lease, actual);
            return;
        }

        var keys = KeysOf(lease.TenantId);
        var (day, month) = keys.CalendarFor(lease.AdmittedAt);
        var (answered, _) = await gate.TryAsync(() => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Settle,
            [keys.Tokens, keys.Leases, day, month],
            [lease.LeaseId, actual, lease.ReservedTokens, ToMicroUsd(usage.CostUsd)]), cancellationToken);
        if (!answered)
        {
            telemetry.LostUpdate("settle");
        }
    }

    public async ValueTask ReleaseAsync(AdmissionLease lease, CancellationToken cancellationToken)
    {
        if (lease.Degraded)
        {
            fallback.Release(lease);
            return;
        }

        var (answered, _) = await gate.TryAsync(
            () => redis.GetDatabase().SortedSetRemoveAsync(KeysOf(lease.TenantId).Leases, lease.LeaseId), cancellationToken);
        if (!answered)
        {
            telemetry.LostUpdate("release");
        }
    }

    private async ValueTask<AdmissionDecision> DecideAsync(TenantDefinition tenant, AdmissionRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = options.CurrentValue;
        var limits = tenant.Limits;
        var id = tenant.Id;
        var keys = KeysOf(id);
        var (day, month) = keys.CalendarFor(now);
        var leaseId = Guid.NewGuid().ToString("N");
        var (answered, result) = await gate.TryAsync(() => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Admit,
            [keys.Log, keys.Tokens, keys.Leases, day, month],
            [
                leaseId, request.ReservedTokens, limits.RequestsPerMinute ?? Unlimited, limits.TokensPerMinute ?? Unlimited,
                limits.MaxConcurrency ?? Unlimited, limits.DailyTokenBudget ?? Unlimited,
                limits.MonthlySpendBudgetUsd is { } budget ? ToMicroUsd(budget) : Unlimited, (long)current.LeaseDuration.TotalMilliseconds,
            ]), cancellationToken);
        if (!answered)
        {
            return fallback.Admit(tenant, request, new AdmissionLease(id, leaseId, request.ReservedTokens, now, Degraded: true));
        }

        var values = (RedisResult[])result!;
        var reset = TimeSpan.FromMilliseconds((long)values[4]);
        fallback.Observe(id, (long)values[2], (long)values[3], reset);
        var snapshot = RateLimitSnapshot.Of(limits.RequestsPerMinute, (long)values[2], reset, limits.TokensPerMinute, (long)values[3], reset);
        return (long)values[0] switch
        {
            0 => AdmissionDecision.Admit(new AdmissionLease(id, leaseId, request.ReservedTokens, now, Degraded: false), snapshot),
            1 => Reject(RejectionReason.RequestsPerMinute, TimeSpan.FromMilliseconds((long)values[1])),
            2 => Reject(RejectionReason.TokensPerMinute, TimeSpan.FromMilliseconds((long)values[1])),
            3 => Reject(RejectionReason.Concurrency, TimeSpan.FromMilliseconds((long)values[1])),
            4 => Reject(RejectionReason.DailyTokenBudget, now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime),
            _ => Reject(RejectionReason.MonthlySpendBudget, new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1) - now.UtcDateTime),
        };

        AdmissionDecision Reject(RejectionReason reason, TimeSpan retryAfter) =>
            AdmissionDecision.Reject(reason, retryAfter, snapshot, degraded: false);
    }

    private TenantKeySet KeysOf(string tenantId) => _keys.GetOrAdd(tenantId, static id => new TenantKeySet(id));

    private static RateLimitSnapshot LimitsOnly(TenantLimits limits) =>
        new(limits.RequestsPerMinute, null, TimeSpan.Zero, limits.TokensPerMinute, null, TimeSpan.Zero);

    private static long ToMicroUsd(decimal usd) => (long)Math.Round(usd * 1_000_000m);
}
