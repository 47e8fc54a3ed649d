namespace Switchyard.Admission;

/// <summary>A tenant's usage now: the rolling minute, the UTC day and the UTC month.</summary>
public sealed record TenantUsage(string TenantId, long RequestsLastMinute, long TokensLastMinute, long ActiveLeases, long TokensToday, decimal SpendThisMonthUsd);
