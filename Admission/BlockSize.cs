namespace Switchyard.Admission;

/// <summary>A block's size: requests, tokens and concurrency (0 when the tenant has no concurrency limit).</summary>
internal readonly record struct BlockSize(long Requests, long Tokens, long Concurrency);
