namespace Switchyard.Admission;

/// <summary>The store's answer to a hand-over.</summary>
internal readonly record struct BlockGrant(long Requests, long Tokens, long Concurrency, string Epoch, long WindowRequests, long WindowTokens, long StoreNowMs);
