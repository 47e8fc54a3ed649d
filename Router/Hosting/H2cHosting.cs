using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchyard.ServiceDefaults.Hosting;

namespace Switchyard.Router.Hosting;

public static class H2cHosting
{
    /// <summary>
    /// Every cleartext endpoint of the Router serves HTTP/1.1 and, on connections that open with the HTTP/2
    /// preface, HTTP/2 with prior knowledge: the AWS SDK for JavaScript's default handler for bedrock-runtime
    /// speaks only that on an http:// endpoint, and Kestrel alone would answer it as HTTP/1.1
    /// (<see cref="H2cPrefaceDetection"/>, shared with the BedrockEmulator's Region endpoints). TLS endpoints
    /// negotiate by ALPN as usual.
    /// </summary>
    public static WebApplicationBuilder ServeH2cPriorKnowledge(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(options =>
        {
            // Such a connection carries the TLS feature (that is how Kestrel is told "h2"), so the server
            // sees the https scheme: the request's own :scheme (http) must be allowed to stand.
            options.AllowAlternateSchemes = true;
            options.ConfigureEndpointDefaults(listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseH2cPriorKnowledge();
            });
        });
        return builder;
    }
}
