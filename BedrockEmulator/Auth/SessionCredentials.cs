namespace Switchyard.BedrockEmulator.Auth;

/// <summary>Temporary credentials issued by STS, valid for SigV4 on every service of the caller's account until they expire.</summary>
internal sealed record SessionCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration, AwsCaller Caller);
