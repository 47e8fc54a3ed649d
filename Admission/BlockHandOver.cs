namespace Switchyard.Admission;

/// <summary>
/// One call's worth: the entries, the epoch they were admitted in, the block wanted, what the replica keeps of its
/// current block (it may still admit that much before the answer) and the limits it must fit.
/// </summary>
internal sealed record BlockHandOver(IReadOnlyList<BlockHandOverItem> Items, string Epoch, BlockSize Wanted, BlockSize Keep, TenantLimits Limits, long SentAt);
