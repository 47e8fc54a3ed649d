namespace Switchyard.QuotaService.Apis;

public sealed record SettleRequest(string? ApiKey, string? LeaseId, long InputTokens, long OutputTokens, decimal CostUsd);
