namespace Switchyard.QuotaService.Apis;

/// <summary>A new tenant and its first API key, shown this once.</summary>
public sealed record CreatedTenant(TenantView Tenant, string ApiKey);
