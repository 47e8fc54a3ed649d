namespace Switchyard.Admission;

/// <summary>A tenant as stored: its definition and its keys (hashed).</summary>
public sealed record TenantRecord(TenantDefinition Definition, IReadOnlyList<TenantKey> Keys);
