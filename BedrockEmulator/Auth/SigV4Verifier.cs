using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.World;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.BedrockEmulator.Auth;

/// <summary>
/// Verifies AWS Signature Version 4 on a request as AWS services do: the access key id names the
/// account (its configured key) or a session STS issued (which also needs its <c>X-Amz-Security-Token</c>
/// and must not have expired); the credential scope must be today's date, the endpoint's Region and the
/// service called; the clock skew at most 5 minutes; and the signature recomputed with the secret must match.
/// </summary>
internal sealed class SigV4Verifier(AccountRegistry accounts, SessionCredentialRegistry sessions, TimeProvider time)
{
    /// <summary>The signing name of Bedrock Runtime.</summary>
    public const string Service = "bedrock";
    public const string Algorithm = SigV4Canonical.Algorithm;
    public const string SecurityTokenHeader = "x-amz-security-token";

    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>Signing keys of the configured accounts (session secrets are short-lived and not cached).</summary>
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _signingKeys = new();

    private readonly FrozenDictionary<string, AwsCaller> _users = accounts.All.ToFrozenDictionary(a => a.AccessKeyId, AwsCaller.User, StringComparer.Ordinal);

    /// <summary>Verifies a Bedrock Runtime request (signing name <see cref="Service"/>).</summary>
    public bool TryVerify(HttpContext context, string region, ReadOnlySpan<byte> body, [NotNullWhen(true)] out EmulatedAccount? account, out EmulatorError error)
    {
        if (TryVerify(context, region, Service, body, out var caller, out error))
        {
            account = caller.Account;
            return true;
        }

        account = caller?.Account;
        return false;
    }

    /// <summary>
    /// Verifies a request to <paramref name="service"/> (the signing name: bedrock, sts, logs). On failure
    /// <paramref name="caller"/> is still set when the access key was recognised, so the failure can be logged against its account.
    /// </summary>
    public bool TryVerify(HttpContext context, string region, string service, ReadOnlySpan<byte> body, [NotNullWhen(true)] out AwsCaller? caller, out EmulatorError error)
    {
        caller = null;
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            error = new EmulatorError(ErrorKind.MissingAuthenticationToken, "Missing Authentication Token");
            return false;
        }

        if (!SigV4Canonical.TryParse(authorization, out var credential, out var signedHeaders, out var signature))
        {
            error = new EmulatorError(ErrorKind.IncompleteSignature,
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.");
            return false;
        }

        // Credential = <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request
        var scope = credential.Split('/');
        if (scope.Length != 5)
        {
            error = new EmulatorError(ErrorKind.IncompleteSignature, $"Credential should have 5 parts separated by '/', not '{credential}'.");
            return false;
        }

        if (!TryResolveSecret(scope[0], request.Headers[SecurityTokenHeader].ToString(), out caller, out var secret, out var cacheable, out error))
        {
            return false;
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            error = new EmulatorError(ErrorKind.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
            return false;
        }

        if ((ScopeError(scope, amzDate, region, service, signedHeaders) ?? SkewError(amzDate, signedAt)) is { } scopeOrSkew)
        {
            error = new EmulatorError(ErrorKind.InvalidSignature, scopeOrSkew);
            return false;
        }

        var key = SigningKey(secret, scope[1], region, service, cacheable);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
            SigV4Canonical.StringToSign(context, amzDate, credential[(scope[0].Length + 1)..], signedHeaders, body))));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            error = new EmulatorError(ErrorKind.InvalidSignature,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
            return false;
        }

        error = default;
        return true;
    }

    /// <summary>The service named by a SigV4 <c>Authorization</c> header's credential scope, or null when there is none.</summary>
    public static string? ScopeService(string authorization)
    {
        if (!SigV4Canonical.TryParse(authorization, out var credential, out _, out _))
        {
            return null;
        }

        var scope = credential.Split('/');
        return scope.Length == 5 ? scope[3] : null;
    }

    /// <summary>
    /// The secret of an access key, and whether its signing keys may be cached: a configured key must come
    /// without a session token; a session key needs its own token and must not have expired.
    /// </summary>
    private bool TryResolveSecret(string accessKeyId, string securityToken, [NotNullWhen(true)] out AwsCaller? caller, out string secret, out bool cacheable, out EmulatorError error)
    {
        var invalid = new EmulatorError(ErrorKind.UnrecognizedClient, "The security token included in the request is invalid.");
        secret = "";
        cacheable = false;
        if (_users.TryGetValue(accessKeyId, out caller))
        {
            secret = caller.Account.SecretAccessKey;
            cacheable = true;
            error = securityToken.Length == 0 ? default : invalid;
            return securityToken.Length == 0;
        }

        if (sessions.Find(accessKeyId) is not { } session
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(securityToken), Encoding.UTF8.GetBytes(session.SessionToken)))
        {
            error = invalid;
            return false;
        }

        caller = session.Caller;
        if (sessions.IsExpired(session))
        {
            error = new EmulatorError(ErrorKind.ExpiredToken, "The security token included in the request is expired");
            return false;
        }

        secret = session.SecretAccessKey;
        error = default;
        return true;
    }

    private static string? ScopeError(string[] scope, string amzDate, string region, string service, string signedHeaders)
    {
        if (scope[1] != amzDate[..8])
        {
            return $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope[1]}' != '{amzDate[..8]}', from '{amzDate}'.";
        }

        if (scope[2] != region)
        {
            return $"Credential should be scoped to a valid region, not '{scope[2]}'. ";
        }

        if (scope[3] != service)
        {
            return $"Credential should be scoped to correct service: '{service}'. ";
        }

        if (scope[4] != "aws4_request")
        {
            return $"Credential should be scoped with a valid terminator: 'aws4_request', not '{scope[4]}'. ";
        }

        // Over HTTP/2 the SDKs sign the :authority pseudo-header, HTTP/2's Host.
        return signedHeaders.Split(';').Any(h => h is "host" or SigV4Canonical.AuthorityPseudoHeader) ? null : "'Host' must be a 'SignedHeader' in the AWS Authorization.";
    }

    private string? SkewError(string amzDate, DateTimeOffset signedAt)
    {
        var now = time.GetUtcNow();
        if (signedAt < now - MaxSkew)
        {
            return $"Signature expired: {amzDate} is now earlier than {Stamp(now - MaxSkew)} ({Stamp(now)} - 5 min.)";
        }

        return signedAt > now + MaxSkew ? $"Signature not yet current: {amzDate} is still later than {Stamp(now + MaxSkew)} ({Stamp(now)} + 5 min.)" : null;

        static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
    }

    private byte[] SigningKey(string secret, string date, string region, string service, bool cacheable) =>
        cacheable
            ? _signingKeys.GetOrAdd((secret, date, region, service), static k => SigV4Canonical.SigningKey(k.Secret, k.Date, k.Region, k.Service))
            : SigV4Canonical.SigningKey(secret, date, region, service);
}
