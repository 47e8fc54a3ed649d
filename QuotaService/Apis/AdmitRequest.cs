namespace Switchyard.QuotaService.Apis;

/// <param name="LeaseId">Optional: an id of the caller's (8-64 of A-Z, a-z, 0-9, '_', '-'), so it can release an admission whose answer it never got.</param>
/// <param name="LeaseTimeoutMs">Optional: how long the request may hold its concurrency lease, at most Admission:LeaseDuration.</param>
public sealed record AdmitRequest(string? ApiKey, string? ModelGroup, long ReservedTokens, string? LeaseId = null, long? LeaseTimeoutMs = null);
