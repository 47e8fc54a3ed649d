using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Admission;

/// <summary>API keys are random and high-entropy, so a plain SHA-256 is enough to store them safely.</summary>
public static class ApiKeys
{
    public static string Generate() => "sk-sy-" + RandomNumberGenerator.GetHexString(40, lowercase: true);

    public static string Hash(string apiKey)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The stored form of a new key: its hash, an id and a short prefix that are safe to show.</summary>
    public static TenantKey Describe(string apiKey, DateTimeOffset createdAt)
    {
        var hash = Hash(apiKey);
        return new TenantKey(hash[..12], apiKey[..Math.Min(10, apiKey.Length / 2)], hash, createdAt, RevokedAt: null);
    }
}
