namespace Switchyard.BedrockEmulator.Quotas;

/// <summary>The state of one account x Region x model quota, for the admin API.</summary>
internal sealed record QuotaStatus(string Account, string Region, string Model, int Rpm, long Tpm, int UsedRequests, long UsedTokens, bool Overridden);
