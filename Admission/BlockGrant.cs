namespace Switchyard.Admission;

/// <summary>The store's answer to a hand-over; <paramref name="Refusal"/> (a <see cref="StoreRejection"/> code, 0 for none) when a limit has no room at all.</summary>
internal readonly record struct BlockGrant(long Requests, long Tokens, long Concurrency, string Epoch, long WindowRequests, long WindowTokens, long StoreNowMs, long Refusal, long RetryMs);
