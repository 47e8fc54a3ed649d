namespace Switchyard.Admission;

/// <summary>What a settlement or release did.</summary>
public enum LeaseOutcome
{
    /// <summary>Applied, exactly once.</summary>
    Applied,

    /// <summary>No such lease for this tenant (never issued, another tenant's, or expired long ago): nothing changed.</summary>
    Unknown,

    /// <summary>The lease was already settled or released: nothing changed.</summary>
    AlreadyFinished,

    /// <summary>The store did not answer in time: the change may or may not have been applied (retrying is safe).</summary>
    StoreUnavailable,

    /// <summary>
    /// Recorded on this replica for its next block hand-over (<see cref="AdmissionBlocks"/>), which applies it once;
    /// only for a caller that asked not to wait for the store (<see cref="ITenantAdmission.FinishAsync"/>).
    /// </summary>
    Recorded,
}
