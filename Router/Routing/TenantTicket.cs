using Switchyard.Admission;

namespace Switchyard.Router.Routing;

/// <summary>
/// An admitted request's lease: settled with actual usage, or released, once the response is sent. Issued by
/// the tenant gate in front of routing, it lives here because the request's lifetime holds it to the end:
/// routing does not depend on the gate.
/// </summary>
public sealed partial class TenantTicket(ITenantAdmission admission, AdmissionLease lease, ILogger logger)
{
    private UsageReport? _usage;

    /// <summary>Records what the request used, priced at the serving deployment's rates.</summary>
    public void RecordUsage(Deployment deployment, long inputTokens, long outputTokens) =>
        _usage = new UsageReport(inputTokens, outputTokens,
            inputTokens / 1000m * deployment.Options.InputPricePer1k + outputTokens / 1000m * deployment.Options.OutputPricePer1k);

    internal async Task FinishAsync()
    {
        try
        {
            // Settlement runs after the response went out and nobody waits for it: it never adds to a client's latency.
            // A lease admitted from a block is only recorded for the replica's next hand-over: nothing here needs its outcome.
            await admission.FinishAsync(lease, _usage);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SettlementFailed(logger, e, lease.LeaseId, lease.TenantId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling lease {Lease} of tenant {Tenant} failed; the lease expires by itself")]
    private static partial void SettlementFailed(ILogger logger, Exception exception, string lease, string tenant);
}
