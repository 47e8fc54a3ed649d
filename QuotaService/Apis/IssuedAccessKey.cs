namespace Switchyard.QuotaService.Apis;

/// <summary>A new access key pair, its secret shown this once.</summary>
public sealed record IssuedAccessKey(AccessKeyView AccessKey, string SecretAccessKey);
