using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Switchyard.ServiceDefaults.Hosting;

/// <summary>
/// Set on a cleartext connection that opened with the HTTP/2 preface, so that Kestrel serves it as HTTP/2.
/// Kestrel (HttpConnection.SelectProtocol, ASP.NET Core 10) serves a cleartext connection of an
/// Http1AndHttp2 endpoint as HTTP/1.1 unconditionally ("ambiguous without ALPN"), and HTTP/2 only where an
/// <see cref="ITlsConnectionFeature"/> is present and <see cref="ITlsApplicationProtocolFeature"/> says
/// "h2". Those two are exactly what this feature answers; no TLS handshake feature is set, so Kestrel's
/// HTTP/2 TLS requirements (checked on ITlsHandshakeFeature) do not apply. A connection with the TLS
/// feature is given the https scheme, so the server allows the request's <c>:scheme</c> (http) to stand
/// (KestrelServerOptions.AllowAlternateSchemes).
/// </summary>
public sealed class H2cPriorKnowledgeFeature : ITlsConnectionFeature, ITlsApplicationProtocolFeature
{
    private static readonly ReadOnlyMemory<byte> Http2 = "h2"u8.ToArray();

    public ReadOnlyMemory<byte> ApplicationProtocol => Http2;

    /// <summary>No TLS, so never a client certificate.</summary>
    public X509Certificate2? ClientCertificate
    {
        get => null;
        set => throw new NotSupportedException("A cleartext HTTP/2 connection has no client certificate.");
    }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
}
