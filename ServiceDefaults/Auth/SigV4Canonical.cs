using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.ServiceDefaults.Auth;

/// <summary>
/// The protocol of AWS Signature Version 4, server side: the Authorization header's parts, the canonical
/// request and string to sign recomputed from the request as received, and the signing key. Who owns an
/// access key, which scope and clock skew are acceptable, are the verifier's business (the BedrockEmulator's
/// and the Router's differ).
/// </summary>
public static class SigV4Canonical
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>HTTP/2's Host, which Kestrel gives the application as the Host header.</summary>
    public const string AuthorityPseudoHeader = ":authority";

    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <summary>AWS URI encoding: unreserved characters as they are, every other UTF-8 byte as %XX.</summary>
    public static void UriEncode(StringBuilder builder, ReadOnlySpan<char> value)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '-' or '_' or '.' or '~'))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
    }

    public static bool TryParse(string authorization, out string credential, out string signedHeaders, out string signature)
    {
        credential = signedHeaders = signature = "";
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var part in authorization.AsSpan(Algorithm.Length + 1).ToString().Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        return credential.Length > 0 && signedHeaders.Length > 0 && signature.Length > 0;
    }

    public static string StringToSign(HttpContext context, string amzDate, string scope, string signedHeaders, ReadOnlySpan<byte> body)
    {
        var canonical = t_builder ??= new StringBuilder(1024);
        canonical.Clear();
        var request = context.Request;
        canonical.Append(request.Method).Append('\n');

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        var queryStart = rawTarget.IndexOf('?');
        var path = queryStart < 0 ? rawTarget.AsSpan() : rawTarget.AsSpan(0, queryStart);
        AppendCanonicalPath(canonical, path);
        canonical.Append('\n');
        AppendCanonicalQuery(canonical, queryStart < 0 ? "" : rawTarget[(queryStart + 1)..]);
        canonical.Append('\n');

        foreach (var name in signedHeaders.Split(';'))
        {
            canonical.Append(name).Append(':');
            AppendCanonicalHeaderValue(canonical, name == AuthorityPseudoHeader ? request.Headers.Host : request.Headers[name]);
            canonical.Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n');
        canonical.Append(Convert.ToHexStringLower(SHA256.HashData(body)));

        var canonicalHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
        canonical.Clear();
        return $"{Algorithm}\n{amzDate}\n{scope}\n{canonicalHash}";
    }

    /// <summary>Each segment of the path as sent (already encoded once) is encoded again: SigV4 double-encodes for every service but S3.</summary>
    private static void AppendCanonicalPath(StringBuilder builder, ReadOnlySpan<char> path)
    {
        var first = true;
        foreach (var segment in path.Split('/'))
        {
            if (!first)
            {
                builder.Append('/');
            }

            first = false;
            UriEncode(builder, path[segment]);
        }
    }

    private static void AppendCanonicalQuery(StringBuilder builder, string query)
    {
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Encode(p[0]), Value: Encode(p.Length > 1 ? p[1] : "")))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal);
        builder.AppendJoin('&', pairs.Select(p => $"{p.Name}={p.Value}"));

        static string Encode(string component)
        {
            var encoded = new StringBuilder();
            UriEncode(encoded, Uri.UnescapeDataString(component));
            return encoded.ToString();
        }
    }

    /// <summary>Values trimmed, inner runs of spaces collapsed, repeated headers joined by commas.</summary>
    private static void AppendCanonicalHeaderValue(StringBuilder builder, Microsoft.Extensions.Primitives.StringValues values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            var previousSpace = false;
            foreach (var c in (values[i] ?? "").AsSpan().Trim())
            {
                var space = c == ' ';
                if (!(space && previousSpace))
                {
                    builder.Append(c);
                }

                previousSpace = space;
            }
        }
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var dateKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        var regionKey = HMACSHA256.HashData(dateKey, Encoding.UTF8.GetBytes(region));
        var serviceKey = HMACSHA256.HashData(regionKey, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(serviceKey, "aws4_request"u8);
    }
}
