using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// When the store answers again after an outage, writes the requests this replica admitted locally into
/// the tenants' shared windows (<see cref="AdmissionScripts.Reconcile"/>), so the shared limits count
/// them for the rest of their minute instead of granting the full limit on top of them.
/// </summary>
internal sealed class LocalAdmissionReconciler(
    IConnectionMultiplexer redis, LocalFallbackLimiter fallback, StoreGate gate, AdmissionTelemetry telemetry, TimeProvider clock, ILogger<LocalAdmissionReconciler> logger)
{
    public void Start() => gate.Recovered += () => _ = ReconcileAsync();

    internal async Task ReconcileAsync()
    {
        foreach (var (tenantId, admissions) in fallback.TakeUnshared())
        {
            try
            {
                RedisKey[] keys = [TenantKeys.WindowLog(tenantId), TenantKeys.WindowTokens(tenantId), TenantKeys.Day(tenantId, clock.GetUtcNow())];
                RedisValue[] values = [.. admissions.SelectMany(a => (RedisValue[])[a.Id, a.AtUnixMs, a.Tokens])];
                var (answered, added) = await gate.TryAsync(() => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Reconcile, keys, values), CancellationToken.None);
                if (answered)
                {
                    logger.LogInformation("Wrote {Added} of {Count} local admissions of tenant {Tenant} into its shared window", (long)added!, admissions.Count, tenantId);
                }
                else
                {
                    telemetry.LostUpdate("reconcile");
                }
            }
            catch (Exception e) when (e is RedisException or InvalidCastException)
            {
                telemetry.LostUpdate("reconcile");
                logger.LogWarning(e, "Local admissions of tenant {Tenant} could not be written to the store", tenantId);
            }
        }
    }
}
