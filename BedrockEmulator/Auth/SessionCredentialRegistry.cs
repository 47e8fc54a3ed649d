using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Switchyard.BedrockEmulator.Auth;

/// <summary>
/// The session credentials STS has issued. Expired ones are kept a day longer so that a request signed
/// with them is told ExpiredToken, as AWS does, rather than that the key is unknown.
/// </summary>
internal sealed class SessionCredentialRegistry(TimeProvider time)
{
    private const string AccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static readonly TimeSpan ExpiredRetention = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, SessionCredentials> _byAccessKeyId = new(StringComparer.Ordinal);

    public SessionCredentials Issue(AwsCaller caller, TimeSpan duration)
    {
        var now = time.GetUtcNow();
        foreach (var (key, stale) in _byAccessKeyId)
        {
            if (stale.Expiration + ExpiredRetention < now)
            {
                _byAccessKeyId.TryRemove(key, out _);
            }
        }

        // AWS's own shapes: ASIA + 16 base32 characters, a 40-character secret, a long opaque token.
        var credentials = new SessionCredentials(
            "ASIA" + RandomNumberGenerator.GetString(AccessKeyAlphabet, 16),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)),
            TruncateToSeconds(now + duration),
            caller);
        _byAccessKeyId[credentials.AccessKeyId] = credentials;
        return credentials;
    }

    public SessionCredentials? Find(string accessKeyId) => _byAccessKeyId.GetValueOrDefault(accessKeyId);

    public bool IsExpired(SessionCredentials credentials) => time.GetUtcNow() >= credentials.Expiration;

    /// <summary>STS reports expirations to the second; the emulator enforces exactly what it reported.</summary>
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
