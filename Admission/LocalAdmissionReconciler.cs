using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// When the store answers again after an outage, writes the requests this replica admitted locally into
/// the tenants' shared windows (<see cref="AdmissionScripts.Reconcile"/>), so the shared limits count
/// them for the rest of their minute instead of granting the full limit on top of them, and undoes the
/// admissions that timed out here but may have landed there. A tenant's store admission waits for this
/// first, so the store never decides without them; one hand-over per tenant runs at a time.
/// </summary>
internal sealed partial class LocalAdmissionReconciler(
    IConnectionMultiplexer redis, LocalFallbackLimiter fallback, StoreGate gate, TimeProvider clock, ILogger<LocalAdmissionReconciler> logger)
{
    // Bounds one script call's arguments; a longer backlog goes in several.
    private const int BatchSize = 1_000;

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public void Start() => gate.Recovered += () => _ = ReconcileAllAsync();

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Local admissions of tenant {Tenant} could not be written to the store yet")]
    private static partial void LogNotWritten(ILogger logger, Exception exception, string tenant);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Wrote {Added} of {Count} local admissions of tenant {Tenant} into its shared window ({Abandoned} timed-out admissions undone)")]
    private static partial void LogWritten(ILogger logger, long added, int count, string tenant, int abandoned);
}
