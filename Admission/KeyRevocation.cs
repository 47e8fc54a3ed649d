namespace Switchyard.Admission;

/// <summary>The outcome of revoking a key.</summary>
public enum KeyRevocation
{
    Revoked,
    TenantNotFound,
    KeyNotFound,
}
