namespace Switchyard.Admission;

/// <summary>One call's worth: the entries, the epoch they were admitted in, the block wanted and the limits it must fit.</summary>
internal sealed record BlockHandOver(IReadOnlyList<BlockHandOverItem> Items, string Epoch, BlockSize Wanted, TenantLimits Limits, long SentAt);
