using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

/// <summary>An admission decision on the wire; durations in milliseconds.</summary>
public sealed record AdmitResponse(
    bool Admitted, AdmissionLease? Lease, RejectionReason? Reason, long RetryAfterMs, bool Degraded, RateLimitsView RateLimits)
{
    public static AdmitResponse From(AdmissionDecision decision) => new(
        decision.Admitted, decision.Lease, decision.Reason, (long)Math.Ceiling(decision.RetryAfter.TotalMilliseconds), decision.Degraded,
        RateLimitsView.From(decision.RateLimits));
}
