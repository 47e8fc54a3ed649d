namespace Switchyard.Admission;

/// <summary>The outcome of looking up an API key.</summary>
public sealed record KeyResolution(KeyStatus Status, TenantDefinition? Tenant)
{
    public static readonly KeyResolution Unknown = new(KeyStatus.Unknown, null);
    public static readonly KeyResolution Revoked = new(KeyStatus.Revoked, null);
    public static readonly KeyResolution Unavailable = new(KeyStatus.Unavailable, null);

    public static KeyResolution Found(TenantDefinition tenant) => new(KeyStatus.Found, tenant);

}
