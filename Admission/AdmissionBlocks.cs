using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Admission off the round-trip path for busy tenants. Once a tenant sends this replica
/// <see cref="AdmissionOptions.BlockMinRate"/> admissions a second, the replica leases a block of the tenant's
/// limits from the store (requests, tokens, concurrency: counted there as used by everyone's checks) and admits
/// from it locally; while a limit has no room at all it refuses locally, as the store would. Every
/// <see cref="AdmissionOptions.BlockInterval"/>, or as soon as about <see cref="TenantBlock.EntriesPerHandOver"/>
/// requests are in at the tenant's rate (down to a quarter of it), one script call per tenant
/// (<see cref="AdmissionScripts.Block"/>) hands over what was admitted (window entries at their own admission
/// times, day charges, leases, and the settlements and releases that came first), returns the block and takes
/// the next, sized for the tenant's rate. So a tenant at 1,000 requests a second costs the store 100 calls a
/// second instead of a thousand admissions and their settlement batches.
/// What stays exact: a block never holds more than <see cref="TenantBlock.Share"/> of any limit (across the
/// replicas), and its unused part counts as used, so blocks can only refuse early, by at most that share; a
/// tenant whose limits cannot spare a block of two requests is admitted by the store one request at a time, as
/// before. What is given up: the window and the day see a block's admissions up to one interval late (reserved
/// in the meantime), and a replica that dies takes its last interval's admissions with it (their block expires
/// after <see cref="AdmissionOptions.BlockLifetime"/>; its tokens stay charged on the day).
/// The hand-overs of a tenant run one at a time, in one loop, from when it is hot until its block is returned.
/// While the store does not answer, the entries wait (the block is not used; the store's way, the local
/// fallback, decides) and go with the first hand-over it takes; a block that expired meanwhile is remembered
/// by the store (<see cref="AdmissionScripts.ExpiredBlockMs"/>) so its day charge is not made twice.
/// </summary>
internal sealed partial class AdmissionBlocks(
    IConnectionMultiplexer redis,
    StoreGate gate,
    LocalFallbackLimiter fallback,
    AdmissionTelemetry telemetry,
    TimeProvider clock,
    IOptionsMonitor<AdmissionOptions> options,
    ILogger<AdmissionBlocks> logger)
{
    // Bounds one call's arguments; a longer backlog goes over the next calls.
    private const int MaxHandOver = 500;

    private const long Unlimited = -1;

    // Names this caller in the store gate's log.
    private const string Caller = "admission block";

    // This replica's name in the tenants' blocks hashes.
    private readonly string _replica = Guid.NewGuid().ToString("N");

    private readonly ConcurrentDictionary<string, TenantBlock> _blocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _loops = new(StringComparer.Ordinal);

    // Cancelled at shutdown: the loops hand over at once, return their blocks and end.
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Admits from the tenant's block, or null: the store decides.</summary>
    public AdmissionDecision? TryAdmit(TenantDefinition tenant, long reservedTokens, TimeSpan lifetime, DateTimeOffset now)
    {
        var settings = Settings();
        if (settings.Interval <= TimeSpan.Zero)
        {
            return null;
        }

        var block = _blocks.GetOrAdd(tenant.Id, static id => new TenantBlock(id));
        var decision = block.TryAdmit(tenant, reservedTokens, lifetime, now, settings, out var start);
        if (start)
        {
            _loops[tenant.Id] = RunAsync(block);
        }

        return decision;
    }

    /// <summary>
    /// Tries the tenant's block once more after the store refused a request: the store counts a block as used until
    /// its hand-over lands, so a refusal while this replica's hand-over is on its way (or just after its answer came)
    /// can be for room the answer hands straight back as the next block. Without this a replica at a limit refused for
    /// room it held itself, with a minute's retry-after, and admitted the next request. Waits for the answer at most
    /// the store's timeout; null when the block has no room either (the store's refusal stands).
    /// </summary>
    public async ValueTask<AdmissionDecision?> TryAdmitAfterRefusalAsync(TenantDefinition tenant, long reservedTokens, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (!_blocks.TryGetValue(tenant.Id, out var block))
        {
            return null;
        }

        if (block.HandOverOnItsWay() is { } landing)
        {
            try
            {
                await landing.WaitAsync(options.CurrentValue.StoreTimeout, clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        return block.TryAdmitAgain(tenant, reservedTokens, lifetime, clock.GetUtcNow());
    }

    /// <summary>
    /// Settles a lease admitted from a block that the store does not have yet, waiting for the hand-over that takes it
    /// unless <paramref name="wait"/> is false (<see cref="LeaseOutcome.Recorded"/>); null when the store has it.
    /// </summary>
    public ValueTask<LeaseOutcome?> SettleAsync(string tenantId, string leaseId, long actualTokens, long costMicroUsd, bool wait, CancellationToken cancellationToken) =>
        _blocks.TryGetValue(tenantId, out var block)
            ? block.FinishAsync(leaseId, 1, actualTokens, costMicroUsd, wait ? Patience() : null, clock, cancellationToken)
            : ValueTask.FromResult<LeaseOutcome?>(null);

    /// <summary>Releases a lease admitted from a block that the store does not have yet, as <see cref="SettleAsync"/> settles one.</summary>
    public ValueTask<LeaseOutcome?> ReleaseAsync(string tenantId, string leaseId, bool wait, CancellationToken cancellationToken) =>
        _blocks.TryGetValue(tenantId, out var block)
            ? block.FinishAsync(leaseId, 2, 0, 0, wait ? Patience() : null, clock, cancellationToken)
            : ValueTask.FromResult<LeaseOutcome?>(null);

    /// <summary>Hands over what is left and returns every block (host shutdown), until <paramref name="cancellationToken"/> gives up.</summary>
    public async Task ReturnAllAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown would not wait longer: those blocks expire by themselves; their waiting admissions are lost.
            LogNotReturned(logger);
        }
    }

    // A settlement waits for the next hand-over as for a store call of its own: an interval, then the store's timeout.
    private TimeSpan Patience()
    {
        var current = options.CurrentValue;
        return current.BlockInterval + current.StoreTimeout;
    }

    private BlockSettings Settings()
    {
        var current = options.CurrentValue;
        return new BlockSettings(current.BlockInterval, current.BlockMinRate, current.ReplicaCount, _stopping.IsCancellationRequested);
    }

    private async Task RunAsync(TenantBlock block)
    {
        var retriedAtShutdown = false;
        while (true)
        {
            var settings = Settings();
            if (!settings.Stopping)
            {
                try
                {
                    // Each hand-over sets the next wait by the tenant's rate, within BlockInterval; the first waits all of it.
                    var interval = block.NextInterval > TimeSpan.Zero ? Min(block.NextInterval, settings.Interval) : settings.Interval;
                    await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(20), clock, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Shutdown: hand over now.
                }
            }

            if (block.TakeHandOver(clock.GetUtcNow(), MaxHandOver, Settings()) is not { } handOver)
            {
                return;
            }

            bool answered;
            try
            {
                answered = await HandOverAsync(block, handOver);
            }
            catch (Exception e)
            {
                // Not a store failure (the gate answers those): a bug or refused arguments. The entries wait; the block is not used.
                block.Failed();
                LogHandOverFailed(logger, e, block.TenantId);
                answered = false;
            }

            if (!answered && _stopping.IsCancellationRequested)
            {
                if (retriedAtShutdown)
                {
                    // No more retrying at shutdown: the block expires by itself.
                    LogNotReturned(logger);
                    return;
                }

                // A store that just failed one call (the gate shut, say, after a late answer) may answer the next: one
                // more try once the gate's probe is due.
                retriedAtShutdown = true;
                await Task.Delay(options.CurrentValue.ProbeInterval, clock);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One hand-over; false when the store did not answer (the entries wait for the next).</summary>
    private async Task<bool> HandOverAsync(TenantBlock block, BlockHandOver handOver)
    {
        var tenantId = block.TenantId;
        var now = clock.GetUtcNow();
        var (day, month, previousDay) = new TenantKeySet(tenantId).CalendarFor(now);
        var items = handOver.Items;
        var keys = new RedisKey[8 + items.Count];
        (keys[0], keys[1], keys[2], keys[3]) = (TenantKeys.WindowLog(tenantId), TenantKeys.WindowTokens(tenantId), TenantKeys.Leases(tenantId), day);
        (keys[4], keys[5], keys[6], keys[7]) = (previousDay, month, TenantKeys.UsageEpoch(tenantId), TenantKeys.Blocks(tenantId));
        var args = new RedisValue[3 + 7 * items.Count + 12];
        (args[0], args[1], args[2]) = (_replica, handOver.Epoch, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            keys[8 + i] = TenantKeys.Lease(tenantId, item.LeaseId);
            var at = 3 + 7 * i;
            (args[at], args[at + 1], args[at + 2], args[at + 3]) = (item.LeaseId, item.At, item.Expiry, item.Reserved);
            (args[at + 4], args[at + 5], args[at + 6]) = (item.State, item.Actual, item.Cost);
        }

        var limits = handOver.Limits;
        var w = 3 + 7 * items.Count;
        var lifetime = options.CurrentValue.BlockLifetime;
        (args[w], args[w + 1], args[w + 2]) = (handOver.Wanted.Requests, handOver.Wanted.Tokens, handOver.Wanted.Concurrency);
        (args[w + 3], args[w + 4], args[w + 5]) = (handOver.Keep.Requests, handOver.Keep.Tokens, handOver.Keep.Concurrency);
        (args[w + 6], args[w + 7], args[w + 8]) = (limits.RequestsPerMinute ?? Unlimited, limits.TokensPerMinute ?? Unlimited, limits.MaxConcurrency ?? Unlimited);
        (args[w + 9], args[w + 10]) = (limits.DailyTokenBudget ?? Unlimited, limits.MonthlySpendBudgetUsd is { } budget ? AdmissionBounds.ToMicroUsd(budget) : Unlimited);
        args[w + 11] = (long)Math.Ceiling(lifetime.TotalMilliseconds);

        telemetry.BlockHandOver(items.Count);
        var answer = await gate.TryAsync(Caller, () => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Block, keys, args), CancellationToken.None);
        if (!answer.Answered)
        {
            block.Failed();
            return false;
        }

        var values = (RedisResult[])answer.Result!;
        if (values.Length != 9)
        {
            throw new InvalidOperationException("The quota store refused a block hand-over's arguments.");
        }

        var grant = new BlockGrant((long)values[0], (long)values[1], (long)values[2], (string)values[3]!, (long)values[4], (long)values[5], (long)values[6],
            (long)values[7], (long)values[8]);
        block.Answered(handOver, grant, clock.GetUtcNow(), lifetime, options.CurrentValue.BlockInterval);
        // What the local fallback starts from should the store fail next: the window as of now, blocks included
        // (the new block covers what this replica admits before its next hand-over), its newest entry just made.
        fallback.Observe(tenantId, grant.WindowRequests, grant.WindowTokens, TimeSpan.FromMilliseconds(AdmissionScripts.WindowMs), admitted: null);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A block could not be handed over at shutdown; it expires by itself and what it admitted since the last hand-over is not counted")]
    private static partial void LogNotReturned(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing over the block admissions of tenant {Tenant} failed; they wait for the next hand-over")]
    private static partial void LogHandOverFailed(ILogger logger, Exception exception, string tenant);
}
