namespace Switchyard.BedrockEmulator.Quotas;

/// <summary>Tokens taken from a quota window when a request started, to be settled when it ends.</summary>
internal readonly record struct QuotaReservation(QuotaWindow Window, long Second, long Tokens);
