namespace Switchyard.BedrockEmulator.World;

/// <summary>A test account: its name (used in quotas, faults and the log) and its SigV4 keys.</summary>
internal sealed record EmulatedAccount(string Name, string AccountId, string AccessKeyId, string SecretAccessKey);
