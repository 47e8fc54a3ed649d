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

        var id = lease.TenantId;
        var (answered, _) = await gate.TryAsync(() => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Settle,
            [TenantKeys.WindowTokens(id), TenantKeys.Leases(id), TenantKeys.Day(id, lease.AdmittedAt), TenantKeys.Month(id, lease.AdmittedAt)],
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
            () => redis.GetDatabase().SortedSetRemoveAsync(TenantKeys.Leases(lease.TenantId), lease.LeaseId), cancellationToken);
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
        var leaseId = Guid.NewGuid().ToString("N");
        var (answered, result) = await gate.TryAsync(() => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Admit,
            [TenantKeys.WindowLog(id), TenantKeys.WindowTokens(id), TenantKeys.Leases(id), TenantKeys.Day(id, now), TenantKeys.Month(id, now)],
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

    private static RateLimitSnapshot LimitsOnly(TenantLimits limits) =>
        new(limits.RequestsPerMinute, null, TimeSpan.Zero, limits.TokensPerMinute, null, TimeSpan.Zero);

    private static long ToMicroUsd(decimal usd) => (long)Math.Round(usd * 1_000_000m);
}
