using System.Security.Cryptography;

namespace Switchyard.Admission;

/// <summary>
/// An AWS-style access key pair of a tenant, for SigV4-signed requests to the Router's Bedrock door.
/// Unlike an API key (stored as a hash), the secret is stored as issued: verifying a signature needs the
/// HMAC key derived from it, so it must be recoverable. The store is the trust boundary: whoever can read
/// it can sign as the tenant (docs/bedrock-door.md).
/// </summary>
/// <param name="AccessKeyId">20 characters, as AWS's: "SYAK" and 16 of A-Z2-7; safe to show.</param>
/// <param name="SecretAccessKey">40 random characters; shown to the admin once, when issued.</param>
public sealed record AccessKeyPair(string AccessKeyId, string TenantId, string SecretAccessKey, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public bool Active => RevokedAt is null;

    public static AccessKeyPair Generate(string tenantId, DateTimeOffset createdAt) =>
        new("SYAK" + RandomNumberGenerator.GetString(Base32, 16), tenantId, RandomNumberGenerator.GetString(SecretAlphabet, 40), createdAt, null);

    /// <summary>Whether <paramref name="id"/> has the shape of an access key id this store issues (checked before it becomes a Redis key).</summary>
    public static bool IsWellFormedId(string? id) =>
        id is { Length: 20 } && id.StartsWith("SYAK", StringComparison.Ordinal) && id.AsSpan(4).IndexOfAnyExcept(Base32) < 0;
}
