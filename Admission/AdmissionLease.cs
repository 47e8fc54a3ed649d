namespace Switchyard.Admission;

/// <summary>
/// An admitted request's hold on its tenant's quota: a window entry and a concurrency lease that
/// expires by itself, so a crashed caller leaks nothing. The store keeps its own copy; settlement and
/// release name the lease by tenant and id only, so nothing else here is trusted.
/// </summary>
/// <param name="ExpiresAt">When the concurrency lease ends if it is neither settled nor released.</param>
/// <param name="Degraded">Admitted by the local fallback limiter; settled and released there too.</param>
public sealed record AdmissionLease(string TenantId, string LeaseId, long ReservedTokens, DateTimeOffset AdmittedAt, DateTimeOffset ExpiresAt, bool Degraded);
