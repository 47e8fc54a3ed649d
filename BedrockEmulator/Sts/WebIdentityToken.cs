using System.Buffers.Text;
using System.Text.Json;

namespace Switchyard.BedrockEmulator.Sts;

/// <summary>
/// The web identity token of AssumeRoleWithWebIdentity. The emulator trusts every identity provider, so it
/// only requires a JWT's shape (three non-empty base64url segments); the claims it can read are echoed
/// back as AWS does (<c>sub</c>, <c>aud</c>, <c>iss</c>).
/// </summary>
internal sealed record WebIdentityToken(string? Subject, string? Audience, string? Issuer)
{
    public static WebIdentityToken? Parse(string token)
    {
        var segments = token.Split('.');
        if (segments.Length != 3 || !Array.TrueForAll(segments, IsBase64Url))
        {
            return null;
        }

        try
        {
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[1]));
            var root = claims.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? new WebIdentityToken(Text(root, "sub"), FirstAudience(root), Text(root, "iss"))
                : new WebIdentityToken(null, null, null);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // Shaped like a JWT but its payload is not JSON: valid for the emulator, with no claims to report.
            return new WebIdentityToken(null, null, null);
        }
    }

    private static bool IsBase64Url(string segment) =>
        segment.Length > 0 && segment.AsSpan().IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    private static string? Text(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>aud</c> is a string or an array of them; AWS reports the one the role trusted, here the first.</summary>
    private static string? FirstAudience(JsonElement claims) =>
        claims.TryGetProperty("aud", out var aud) && aud.ValueKind == JsonValueKind.Array
            ? aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()).FirstOrDefault()
            : Text(claims, "aud");
}
