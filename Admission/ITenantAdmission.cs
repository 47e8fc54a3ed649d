namespace Switchyard.Admission;

/// <summary>Admission for the Router's hot path: one Redis round trip per admission on a warm cache, none for a busy tenant admitted from a block.</summary>
public interface ITenantAdmission
{
    /// <summary>API key to tenant, from a local cache (invalidated over pub/sub) or the store.</summary>
    ValueTask<KeyResolution> ResolveKeyAsync(string apiKey, CancellationToken cancellationToken);

    /// <summary>
    /// Checks every limit and, if all have room, takes a window entry and a concurrency lease.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a request outside <see cref="AdmissionBounds"/>
    /// and <see cref="LeaseConflictException"/> when the request's lease id is taken.
    /// </summary>
    ValueTask<AdmissionDecision> AdmitAsync(TenantDefinition tenant, AdmissionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the lease's stored reservation with actual use (refunding the difference while the entry
    /// is in the window), charges the daily budget and the monthly spend, and releases the concurrency
    /// lease, atomically and at most once. Throws <see cref="ArgumentOutOfRangeException"/> for usage
    /// outside <see cref="AdmissionBounds"/>.
    /// </summary>
    ValueTask<LeaseOutcome> SettleAsync(string tenantId, string leaseId, UsageReport usage, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the concurrency lease of a request that ends without usage to settle (its reservation
    /// stays counted), at most once. An unknown id is remembered for a while as released, so an admission
    /// with that id that lands late (its caller timed out) is refused.
    /// </summary>
    ValueTask<LeaseOutcome> ReleaseAsync(string tenantId, string leaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Settles (with <paramref name="usage"/>) or releases (without) the lease for a caller that does not need to know
    /// when the store has it, as the Router once its response is sent. A lease admitted from a block is only recorded for
    /// the replica's next hand-over (<see cref="LeaseOutcome.Recorded"/>), and nothing waits for that; any other goes to
    /// the store as by <see cref="SettleAsync(string, string, UsageReport, CancellationToken)"/> and
    /// <see cref="ReleaseAsync(string, string, CancellationToken)"/>.
    /// </summary>
    ValueTask<LeaseOutcome> FinishAsync(AdmissionLease lease, UsageReport? usage);

    /// <inheritdoc cref="SettleAsync(string, string, UsageReport, CancellationToken)"/>
    ValueTask<LeaseOutcome> SettleAsync(AdmissionLease lease, UsageReport usage, CancellationToken cancellationToken) =>
        SettleAsync(lease.TenantId, lease.LeaseId, usage, cancellationToken);

    /// <inheritdoc cref="ReleaseAsync(string, string, CancellationToken)"/>
    ValueTask<LeaseOutcome> ReleaseAsync(AdmissionLease lease, CancellationToken cancellationToken) =>
        ReleaseAsync(lease.TenantId, lease.LeaseId, cancellationToken);
}
