namespace Switchyard.Admission;

public enum KeyStatus
{
    Found,
    /// <summary>No tenant has this key (or its tenant was deleted).</summary>
    Unknown,
    /// <summary>The key belonged to a tenant and was revoked.</summary>
    Revoked,
    /// <summary>The key is not cached and the store did not answer in time: neither accepted nor refused (a 503, not a 401).</summary>
    Unavailable,
}
