using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchyard.BedrockEmulator.World;
using Switchyard.ServiceDefaults.Hosting;

namespace Switchyard.BedrockEmulator.Hosting;

internal static class RegionEndpointHosting
{
    /// <summary>
    /// Each Region endpoint (found by its name in <c>Kestrel:Endpoints</c>, whatever URL Aspire or a test
    /// gives it) serves HTTP/1.1 and, on connections that open with the HTTP/2 preface, HTTP/2: the AWS SDK
    /// for JavaScript's default handler for bedrock-runtime speaks HTTP/2 with prior knowledge.
    /// </summary>
    public static WebApplicationBuilder ServeH2cOnRegionEndpoints(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, options) =>
        {
            options.AllowAlternateSchemes = true;
            var endpoints = options.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: true);
            foreach (var region in RegionCatalog.BedrockRegions)
            {
                endpoints.Endpoint(region.Name, endpoint =>
                {
                    endpoint.ListenOptions.Protocols = HttpProtocols.Http1AndHttp2;
                    endpoint.ListenOptions.UseH2cPriorKnowledge();
                });
            }
        });
        return builder;
    }
}
