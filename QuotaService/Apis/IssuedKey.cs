namespace Switchyard.QuotaService.Apis;

/// <summary>A new key of a tenant, shown this once.</summary>
public sealed record IssuedKey(KeyView Key, string ApiKey);
