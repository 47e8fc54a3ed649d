namespace Switchyard.Admission;

/// <summary>The outcome of an admission: a lease, or the reason and when to retry.</summary>
public sealed record AdmissionDecision
{
    private AdmissionDecision(AdmissionLease? lease, RejectionReason? reason, TimeSpan retryAfter, RateLimitSnapshot rateLimits, bool degraded)
    {
        Lease = lease;
        Reason = reason;
        RetryAfter = retryAfter;
        RateLimits = rateLimits;
        Degraded = degraded;
    }

    public bool Admitted => Lease is not null;

    /// <summary>Set when admitted: settle or release it when the request ends.</summary>
    public AdmissionLease? Lease { get; }

    /// <summary>Set when rejected.</summary>
    public RejectionReason? Reason { get; }

    /// <summary>When a retry can succeed (zero when admitted or when retrying cannot help, as for ModelNotAllowed).</summary>
    public TimeSpan RetryAfter { get; }

    public RateLimitSnapshot RateLimits { get; }

    /// <summary>Decided by the local fallback limiter because the shared store did not answer in time.</summary>
    public bool Degraded { get; }

    public static AdmissionDecision Admit(AdmissionLease lease, RateLimitSnapshot rateLimits) =>
        new(lease, null, TimeSpan.Zero, rateLimits, lease.Degraded);

    public static AdmissionDecision Reject(RejectionReason reason, TimeSpan retryAfter, RateLimitSnapshot rateLimits, bool degraded) =>
        new(null, reason, retryAfter, rateLimits, degraded);
}
