using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// When the store answers again after an outage, writes the requests this replica admitted locally into
/// the tenants' shared windows (<see cref="AdmissionScripts.Reconcile"/>), so the shared limits count
/// them for the rest of their minute instead of granting the full limit on top of them, and undoes the
/// admissions that timed out here but may have landed there. A tenant's store admission waits for this
/// first, so the store never decides without them; one hand-over per tenant runs at a time. While any
/// wait, this asks the store every probe interval itself: after an outage nothing else may (the traffic
/// stopped, or went to other replicas), and the shared windows would miss them meanwhile. After them go the
/// settlements and releases the store did not answer (<see cref="LeaseFinisher"/>).
/// </summary>
internal sealed partial class LocalAdmissionReconciler(
    IConnectionMultiplexer redis,
    LocalFallbackLimiter fallback,
    StoreGate gate,
    TimeProvider clock,
    LeaseFinisher finisher,
    IOptionsMonitor<AdmissionOptions> options,
    ILogger<LocalAdmissionReconciler> logger)
{
    // Bounds one script call's arguments; a longer backlog goes in several.
    private const int BatchSize = 1_000;

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    // Cancelled at shutdown: the probing loop ends, and a last hand-over is tried.
    private readonly CancellationTokenSource _stopping = new();
    private Task _probing = Task.CompletedTask;

    public void Start()
    {
        gate.Recovered += () => _ = TryReconcileAllAsync();
        _probing = ProbeAsync(_stopping.Token);
    }

    /// <summary>Stops probing and hands over what still waits, if the store answers, until <paramref name="cancellationToken"/> gives up.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _probing;
        try
        {
            await TryReconcileAllAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown would not wait longer.
        }

        if (fallback.TenantsWithPending().Count > 0)
        {
            LogLostAtShutdown(logger);
        }

        finisher.DropAll();
    }

    /// <summary>
    /// Completes once the tenant's local admissions are in the store: at once when there are none, else
    /// when the running or a new hand-over ends. Faults with the store's failure (the batch stays pending).
    /// </summary>
    public Task ReconcileAsync(string tenantId)
    {
        while (true)
        {
            if (_running.TryGetValue(tenantId, out var running))
            {
                return running;
            }

            if (!fallback.HasPending(tenantId))
            {
                return Task.CompletedTask;
            }

            var run = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running.TryAdd(tenantId, run.Task))
            {
                _ = RunAsync(tenantId, run);
                return run.Task;
            }
        }
    }

    internal async Task ReconcileAllAsync()
    {
        foreach (var tenantId in fallback.TenantsWithPending())
        {
            // A failure leaves the batch pending: the tenant's next store admission hands it over.
            await gate.TryAsync("admission hand-over", async () =>
            {
                await ReconcileAsync(tenantId);
                return true;
            }, CancellationToken.None);
        }
    }

    private async Task TryReconcileAllAsync()
    {
        try
        {
            await ReconcileAllAsync();
            // Then the settlements and releases the store did not answer, which may be of those local admissions' tenants.
            await finisher.RetryAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not the store failing (the gate takes those) but a refused hand-over, logged where it failed: the batch waits.
        }
    }

    private async Task ProbeAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await Task.Delay(options.CurrentValue.ProbeInterval, clock, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Through the gate: while the store is down this is its probe when one is due, and nothing otherwise.
            await TryReconcileAllAsync();
        }
    }

    private async Task RunAsync(string tenantId, TaskCompletionSource run)
    {
        try
        {
            while (fallback.TakePending(tenantId, BatchSize) is { } batch)
            {
                try
                {
                    await WriteAsync(tenantId, batch);
                }
                catch
                {
                    fallback.Returned(tenantId, batch);
                    throw;
                }
            }

            run.SetResult();
        }
        catch (Exception e)
        {
            LogNotWritten(logger, e, tenantId);
            run.SetException(e);
        }
        finally
        {
            _running.TryRemove(KeyValuePair.Create(tenantId, run.Task));
        }
    }

    private async Task WriteAsync(string tenantId, LocalFallbackLimiter.HandOverBatch batch)
    {
        var admissions = batch.Admissions;
        RedisKey[] keys =
        [
            TenantKeys.WindowLog(tenantId), TenantKeys.WindowTokens(tenantId), TenantKeys.Day(tenantId, clock.GetUtcNow()), TenantKeys.Leases(tenantId), TenantKeys.UsageEpoch(tenantId),
            .. admissions.Select(a => TenantKeys.Lease(tenantId, a.Id)), .. batch.Abandoned.Select(id => TenantKeys.Lease(tenantId, id)),
        ];
        RedisValue[] values =
        [
            admissions.Count, .. admissions.SelectMany(a => (RedisValue[])[a.Id, a.AtUnixMs, a.Tokens]), .. batch.Abandoned.Select(id => (RedisValue)id),
        ];
        var added = (long)(await redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Reconcile, keys, values))!;
        LogWritten(logger, added, admissions.Count, tenantId, batch.Abandoned.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local admissions made while the store was down could not be handed over at shutdown; the shared windows never count them")]
    private static partial void LogLostAtShutdown(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Local admissions of tenant {Tenant} could not be written to the store yet")]
    private static partial void LogNotWritten(ILogger logger, Exception exception, string tenant);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Wrote {Added} of {Count} local admissions of tenant {Tenant} into its shared window ({Abandoned} timed-out admissions undone)")]
    private static partial void LogWritten(ILogger logger, long added, int count, string tenant, int abandoned);
}
