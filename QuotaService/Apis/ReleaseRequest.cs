namespace Switchyard.QuotaService.Apis;

public sealed record ReleaseRequest(string? ApiKey, string? LeaseId);
