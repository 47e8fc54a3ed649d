namespace Switchyard.BedrockEmulator.Quotas;

/// <summary>Whether a reservation fits, and if not which limit it hit.</summary>
internal enum QuotaVerdict
{
    Granted,
    TooManyRequests,
    TooManyTokens,
}
