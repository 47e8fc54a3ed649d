using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Admission against the shared store: every check and update of one admission is one script, one
/// round trip; settlements go in batches (<see cref="SettlementBatcher"/>). A busy tenant is admitted from
/// blocks of its limits leased from the store (<see cref="AdmissionBlocks"/>), with no round trip per request.
/// When the store does not answer within StoreTimeout the local fallback decides. Leases live in the store
/// (a block's once handed over); settlement and release name one by tenant and id and use what the store kept.
/// </summary>
internal sealed class RedisTenantAdmission(
    IConnectionMultiplexer redis,
    TenantDirectory directory,
    LocalFallbackLimiter fallback,
    LocalAdmissionReconciler reconciler,
    LeaseFinisher finisher,
    AdmissionBlocks blocks,
    StoreGate gate,
    AdmissionTelemetry telemetry,
    TimeProvider clock,
    IOptionsMonitor<AdmissionOptions> options) : ITenantAdmission
{
    private const long Unlimited = -1;

    // Names this caller in the store gate's log.
    private const string Caller = "admission";

    private readonly ConcurrentDictionary<string, TenantKeySet> _keys = new(StringComparer.Ordinal);

    public ValueTask<KeyResolution> ResolveKeyAsync(string apiKey, CancellationToken cancellationToken) =>
        directory.ResolveAsync(apiKey, cancellationToken);

    public async ValueTask<AdmissionDecision> AdmitAsync(TenantDefinition tenant, AdmissionRequest request, CancellationToken cancellationToken)
    {
        AdmissionBounds.EnsureValid(request);
        var decision = tenant.AllowsModelGroup(request.ModelGroup)
            ? await DecideAsync(tenant, request, cancellationToken)
            : AdmissionDecision.Reject(RejectionReason.ModelNotAllowed, TimeSpan.Zero, LimitsOnly(tenant.Limits), degraded: false);
        telemetry.Decided(tenant.Id, decision);
        return decision;
    }

    public ValueTask<LeaseOutcome> SettleAsync(string tenantId, string leaseId, UsageReport usage, CancellationToken cancellationToken) =>
        SettleAsync(tenantId, leaseId, usage, waitForBlock: true, cancellationToken);

    public ValueTask<LeaseOutcome> ReleaseAsync(string tenantId, string leaseId, CancellationToken cancellationToken) =>
        ReleaseAsync(tenantId, leaseId, waitForBlock: true, cancellationToken);

    public ValueTask<LeaseOutcome> FinishAsync(AdmissionLease lease, UsageReport? usage) => usage is { } used
        ? SettleAsync(lease.TenantId, lease.LeaseId, used, waitForBlock: false, CancellationToken.None)
        : ReleaseAsync(lease.TenantId, lease.LeaseId, waitForBlock: false, CancellationToken.None);

    private async ValueTask<LeaseOutcome> SettleAsync(string tenantId, string leaseId, UsageReport usage, bool waitForBlock, CancellationToken cancellationToken)
    {
        EnsureValid(tenantId, leaseId);
        AdmissionBounds.EnsureValid(usage);
        var actual = usage.InputTokens + usage.OutputTokens;
        if (fallback.Settle(tenantId, leaseId, actual) is { } local)
        {
            return local;
        }

        var cost = AdmissionBounds.ToMicroUsd(usage.CostUsd);
        if (await blocks.SettleAsync(tenantId, leaseId, actual, cost, waitForBlock, cancellationToken) is { } fromBlock)
        {
            return fromBlock;
        }

        var answer = await finisher.FinishAsync(new LeaseFinish(KeysOf(tenantId), leaseId, Release: false, actual, cost), cancellationToken);
        return Finished(tenantId, leaseId, answer, "settle");
    }

    private async ValueTask<LeaseOutcome> ReleaseAsync(string tenantId, string leaseId, bool waitForBlock, CancellationToken cancellationToken)
    {
        EnsureValid(tenantId, leaseId);
        if (fallback.Release(tenantId, leaseId) is { } local)
        {
            return local;
        }

        if (await blocks.ReleaseAsync(tenantId, leaseId, waitForBlock, cancellationToken) is { } fromBlock)
        {
            return fromBlock;
        }

        var answer = await finisher.FinishAsync(new LeaseFinish(KeysOf(tenantId), leaseId, Release: true), cancellationToken);
        return Finished(tenantId, leaseId, answer, "release");
    }

    private async ValueTask<AdmissionDecision> DecideAsync(TenantDefinition tenant, AdmissionRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = options.CurrentValue;
        var limits = tenant.Limits;
        var id = tenant.Id;
        var lifetime = request.LeaseTimeout is { } timeout && timeout < current.LeaseDuration ? timeout : current.LeaseDuration;
        // A caller that names its lease needs the store's check that the id is free: blocks cannot make it.
        if (request.LeaseId is null && blocks.TryAdmit(tenant, request.ReservedTokens, lifetime, now) is { } fromBlock)
        {
            return fromBlock;
        }

        var keys = KeysOf(id);
        var (day, month, _) = keys.CalendarFor(now);
        // 128 random bits from the runtime's thread-local generator, not Guid.NewGuid's system call per request.
        var leaseId = request.LeaseId ?? ActivityTraceId.CreateRandom().ToHexString();
        var leaseMs = (long)Math.Ceiling(lifetime.TotalMilliseconds);
        RedisKey[] scriptKeys = [keys.Log, keys.Tokens, keys.Leases, day, month, keys.Lease(leaseId), keys.Epoch, keys.Blocks];
        RedisValue[] args =
        [
            leaseId, request.ReservedTokens, limits.RequestsPerMinute ?? Unlimited, limits.TokensPerMinute ?? Unlimited,
            limits.MaxConcurrency ?? Unlimited, limits.DailyTokenBudget ?? Unlimited,
            limits.MonthlySpendBudgetUsd is { } budget ? AdmissionBounds.ToMicroUsd(budget) : Unlimited, leaseMs, fallback.HeldLocally(id),
        ];
        var answer = await gate.TryAsync(Caller, () => AdmitInStoreAsync(id, scriptKeys, args), cancellationToken);
        if (!answer.Answered)
        {
            var local = fallback.Admit(tenant, request, leaseId, lifetime);
            if (answer.Attempted && !local.Admitted)
            {
                fallback.Abandon(id, leaseId);
            }

            return local;
        }

        var values = (RedisResult[])answer.Result!;
        var reason = (long)values[0];
        if (reason < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "The quota store refused the admission's arguments.");
        }

        var reset = TimeSpan.FromMilliseconds((long)values[4]);
        var lease = reason == 0 ? new AdmissionLease(id, leaseId, request.ReservedTokens, now, now + lifetime, Degraded: false) : null;
        fallback.Observe(id, (long)values[2], (long)values[3], reset, lease);
        var snapshot = RateLimitSnapshot.Of(limits.RequestsPerMinute, (long)values[2], reset, limits.TokensPerMinute, (long)values[3], reset);
        if (reason == 0)
        {
            return AdmissionDecision.Admit(lease!, snapshot);
        }

        if (StoreRejection.Of(reason, (long)values[1], now) is not { } rejection)
        {
            throw new LeaseConflictException(id, leaseId);
        }

        // The store may have refused for room this replica's own block holds while its hand-over is on its way.
        if (request.LeaseId is null && await blocks.TryAdmitAfterRefusalAsync(tenant, request.ReservedTokens, lifetime, cancellationToken) is { } fromNewBlock)
        {
            return fromNewBlock;
        }

        return AdmissionDecision.Reject(rejection.Reason, rejection.RetryAfter, snapshot, degraded: false);
    }

    // What this replica admitted locally reaches the store before the store decides anything more for the tenant.
    private Task<RedisResult> AdmitInStoreAsync(string tenantId, RedisKey[] keys, RedisValue[] args)
    {
        var reconciled = reconciler.ReconcileAsync(tenantId);
        return reconciled.IsCompletedSuccessfully
            ? redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Admit, keys, args)
            : AfterAsync(reconciled, keys, args);
    }

    private async Task<RedisResult> AfterAsync(Task reconciled, RedisKey[] keys, RedisValue[] args)
    {
        await reconciled;
        return await redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Admit, keys, args);
    }

    private LeaseOutcome Finished(string tenantId, string leaseId, StoreAnswer<long> answer, string operation)
    {
        // This replica no longer counts the lease as in flight, whatever the store said: the request has ended.
        fallback.Finished(tenantId, leaseId);
        if (!answer.Answered)
        {
            // Kept by the finisher and sent again once the store answers.
            return LeaseOutcome.StoreUnavailable;
        }

        return answer.Result switch
        {
            1 => LeaseOutcome.Applied,
            0 => LeaseOutcome.Unknown,
            2 => LeaseOutcome.AlreadyFinished,
            _ => throw new ArgumentOutOfRangeException(nameof(leaseId), $"The quota store refused the {operation}'s arguments."),
        };
    }

    private static void EnsureValid(string tenantId, string leaseId)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            throw new ArgumentException($"'{tenantId}' is not a tenant id.", nameof(tenantId));
        }

        AdmissionBounds.EnsureValidLeaseId(leaseId);
    }

    private TenantKeySet KeysOf(string tenantId) => _keys.GetOrAdd(tenantId, static id => new TenantKeySet(id));

    private static RateLimitSnapshot LimitsOnly(TenantLimits limits) =>
        new(limits.RequestsPerMinute, null, TimeSpan.Zero, limits.TokensPerMinute, null, TimeSpan.Zero);
}
