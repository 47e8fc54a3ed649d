using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard.Admission;

/// <summary>Admission metrics (meter "Switchyard.Admission") and trace events on the caller's current activity.</summary>
internal sealed class AdmissionTelemetry
{
    public const string Name = "Switchyard.Admission";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _degraded;
    private readonly Counter<long> _lostUpdates;
    private readonly Histogram<int> _settlementBatch;
    private readonly Histogram<int> _blockHandOver;

    public AdmissionTelemetry(IMeterFactory meterFactory, StoreGate gate)
    {
        var meter = meterFactory.Create(Name);
        _decisions = meter.CreateCounter<long>("switchyard.admission.decisions", description: "Admission decisions by outcome and reason.");
        _degraded = meter.CreateCounter<long>("switchyard.admission.degraded",
            description: "Admissions decided by the local fallback limiter because the quota store did not answer.");
        _lostUpdates = meter.CreateCounter<long>("switchyard.admission.lost_updates",
            description: "Settlements and releases the quota store never took and this process will not send again (over LeaseFinisher.MaxKept waiting, at shutdown, or left to the caller): the lease expires unless the caller retries.");
        _settlementBatch = meter.CreateHistogram<int>("switchyard.admission.settlement_batch", unit: "{lease}",
            description: "Leases settled per store call (one tenant's settlements gathered over Admission:SettlementBatchWindow).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100] });
        _blockHandOver = meter.CreateHistogram<int>("switchyard.admission.block_handover", unit: "{lease}",
            description: "Leases admitted from a block and handed over per store call (one per busy tenant each Admission:BlockInterval).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500] });
        meter.CreateObservableGauge("switchyard.admission.store_available", () => gate.IsDown ? 0 : 1,
            description: "1 while admissions use the shared quota store, 0 while they fall back to local limits.");
    }

    public void Decided(string tenantId, AdmissionDecision decision)
    {
        _decisions.Add(1,
            new KeyValuePair<string, object?>("tenant", tenantId),
            new KeyValuePair<string, object?>("outcome", decision.Admitted ? "admitted" : "rejected"),
            new KeyValuePair<string, object?>("reason", decision.Reason?.ToString()),
            new KeyValuePair<string, object?>("degraded", decision.Degraded));
        if (decision.Degraded)
        {
            _degraded.Add(1, new KeyValuePair<string, object?>("tenant", tenantId));
            Activity.Current?.AddEvent(new ActivityEvent("admission.degraded", tags: new ActivityTagsCollection
            {
                ["switchyard.tenant"] = tenantId,
                ["switchyard.admission.admitted"] = decision.Admitted,
            }));
        }
    }

    public void SettlementBatch(int leases) => _settlementBatch.Record(leases);

    public void BlockHandOver(int leases) => _blockHandOver.Record(leases);

    public void LostUpdate(string operation) => _lostUpdates.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
