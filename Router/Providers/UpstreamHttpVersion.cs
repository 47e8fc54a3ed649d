using System.Net;

namespace Switchyard.Router.Providers;

/// <summary>
/// The HTTP version the Router speaks to one upstream endpoint (<c>HttpVersion</c> of an OpenAI-compatible
/// endpoint, or of Bedrock): "1.1", the default, or "2". HTTP/2 carries the Router's concurrent calls to an
/// endpoint over a few connections (100 streams each; <see cref="ProviderTransport"/> opens another when one is
/// full) instead of a connection, socket and buffers per call in flight: under load less CPU per request and less
/// memory per open stream, one at a time a slower call (HTTP/2's framing and the connection's own read and write
/// loops). bench/ measures both in every run (docs/router.md), which is why HTTP/1.1 stays the default.
/// Over TLS the version is negotiated (ALPN), so a server without HTTP/2 is still spoken to in HTTP/1.1.
/// A cleartext (http://) endpoint has nothing to negotiate with: "2" means HTTP/2 with prior knowledge (h2c),
/// which the server must speak (the emulator's endpoints, vLLM behind h2c, a mesh sidecar).
/// </summary>
internal readonly record struct UpstreamHttpVersion(Version Version, HttpVersionPolicy Policy)
{
    public static readonly UpstreamHttpVersion Http11 = new(HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower);

    /// <summary>Null where <paramref name="configured"/> is neither unset, "1.1", "2" nor "2.0" (validation names it).</summary>
    public static UpstreamHttpVersion? For(Uri endpoint, string? configured) => configured?.Trim() switch
    {
        null or "" or "1.1" => Http11,
        "2" or "2.0" => new(HttpVersion.Version20,
            endpoint.Scheme == Uri.UriSchemeHttps ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact),
        _ => null,
    };

    /// <summary>The validation message for a value <see cref="For"/> refuses.</summary>
    public static string Refusal(string setting, string configured) =>
        $"{setting} is '{configured}'; the Router speaks \"1.1\" (the default) or \"2\" to upstreams.";

    public void Apply(HttpRequestMessage request)
    {
        request.Version = Version;
        request.VersionPolicy = Policy;
    }
}
