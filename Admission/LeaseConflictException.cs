namespace Switchyard.Admission;

/// <summary>An admission named a lease id that is already in use for the tenant.</summary>
public sealed class LeaseConflictException(string tenantId, string leaseId)
    : InvalidOperationException($"Lease id '{leaseId}' is already in use for tenant '{tenantId}'.");
