using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;
using Switchyard.Admission;
using Switchyard.Router.Routing;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.Router.Tenancy;

/// <summary>
/// Authenticates a request signed with AWS Signature Version 4 by one of a tenant's access key pairs
/// (<see cref="AccessKeyStore"/>), as Amazon Bedrock checks its callers: the credential scope must be the
/// signing date, the service <c>bedrock</c> and <c>aws4_request</c> (any Region: the Router is not one), the
/// signature time within 15 minutes of the Router's clock either way, and the signature recomputed from the
/// request as received (the body's SHA-256 included) must match. The body is buffered for that, up to the
/// Router's body limit, and rewound for the door to read.
/// </summary>
public sealed class SigV4Authenticator(AccessKeyStore accessKeys, TenantStore tenants, RoutingTableProvider tables, TimeProvider clock)
{
    public const string Service = "bedrock";

    /// <summary>AWS's allowance for clock skew between a signer and the service.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    public static bool IsSigV4(string authorization) => authorization.StartsWith(SigV4Canonical.Algorithm + " ", StringComparison.Ordinal);

    public async ValueTask<TenantDefinition> AuthenticateAsync(HttpContext http, string authorization)
    {
        if (!SigV4Canonical.TryParse(authorization, out var credential, out var signedHeaders, out var signature))
        {
            throw Denied("incomplete_signature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }

        // Credential = <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request
        var scope = credential.Split('/');
        var amzDate = http.Request.Headers["x-amz-date"].ToString();
        if (scope.Length != 5
            || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || scope[2].Length == 0 || scope[3] != Service || scope[4] != "aws4_request"
            || !signedHeaders.Split(';').Any(h => h is "host" or SigV4Canonical.AuthorityPseudoHeader))
        {
            throw Denied("incomplete_signature",
                "The credential scope must be <access key id>/<date of X-Amz-Date>/<region>/bedrock/aws4_request, with X-Amz-Date and Host signed.");
        }

        // The clock first, as AWS does: a stale request signed just before midnight also has a scope date
        // that is no longer today's, and "expired" is the answer that tells its sender what to fix.
        var now = clock.GetUtcNow();
        if (signedAt < now - MaxSkew || signedAt > now + MaxSkew)
        {
            throw Denied("invalid_signature", $"Signature expired or not yet current: {amzDate} is more than 15 minutes from the server's time.");
        }

        if (scope[1] != amzDate[..8])
        {
            throw Denied("invalid_signature",
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope[1]}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        var (pair, tenant) = await ResolveAsync(scope[0]);
        var body = await BufferBodyAsync(http, tables.Current.Options.MaxRequestBodyBytes);
        var key = SigV4Canonical.SigningKey(pair.SecretAccessKey, scope[1], scope[2], scope[3]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
            SigV4Canonical.StringToSign(http, amzDate, credential[(scope[0].Length + 1)..], signedHeaders, body))));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            throw Denied("invalid_signature",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
        }

        return tenant;
    }

    private async ValueTask<(AccessKeyPair Pair, TenantDefinition Tenant)> ResolveAsync(string accessKeyId)
    {
        AccessKeyPair? pair;
        TenantRecord? record = null;
        try
        {
            pair = await accessKeys.FindAsync(accessKeyId);
            if (pair is { Active: true })
            {
                record = await tenants.GetAsync(pair.TenantId);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new RoutingException(503, "service_unavailable", "tenant_store_unavailable",
                "The access key could not be checked right now; retry shortly.", TimeSpan.FromSeconds(1), e);
        }

        return pair switch
        {
            null => throw Denied("unrecognized_client", "The security token included in the request is invalid."),
            { Active: false } => throw Denied("unrecognized_client", "The access key has been revoked."),
            _ when record is null => throw Denied("unrecognized_client", "The security token included in the request is invalid."),
            _ => (pair, record.Definition),
        };
    }

    private static async Task<byte[]> BufferBodyAsync(HttpContext http, int maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            throw new RoutingException(413, "invalid_request_error", "request_too_large", $"The request body exceeds {maxBytes} bytes.");
        }

        http.Request.EnableBuffering(maxBytes);
        using var copy = new MemoryStream();
        var buffer = new byte[8192];
        for (int read; (read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0;)
        {
            if (copy.Length + read > maxBytes)
            {
                throw new RoutingException(413, "invalid_request_error", "request_too_large", $"The request body exceeds {maxBytes} bytes.");
            }

            copy.Write(buffer, 0, read);
        }

        http.Request.Body.Position = 0;
        return copy.ToArray();
    }

    private static RoutingException Denied(string code, string message) => new(403, "permission_error", code, message);
}
