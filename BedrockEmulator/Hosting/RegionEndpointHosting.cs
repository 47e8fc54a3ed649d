using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchyard.BedrockEmulator.World;
using Switchyard.ServiceDefaults.Hosting;

namespace Switchyard.BedrockEmulator.Hosting;

internal static class RegionEndpointHosting
{
    /// <summary>
    /// Each Region endpoint and the OpenAI-compatible one (found by name in <c>Kestrel:Endpoints</c>, whatever URL
    /// Aspire or a test gives it) serves HTTP/1.1 and, on connections that open with the HTTP/2 preface, HTTP/2: the
    /// AWS SDK for JavaScript's default handler for bedrock-runtime speaks HTTP/2 with prior knowledge, and so does
    /// the Router to an endpoint whose <c>HttpVersion</c> is "2".
    /// </summary>
    public static WebApplicationBuilder ServeH2cOnRegionEndpoints(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, options) =>
        {
            options.AllowAlternateSchemes = true;
            var endpoints = options.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: true);
            foreach (var name in RegionCatalog.BedrockRegions.Select(region => region.Name).Append(EndpointMap.OpenAIEndpoint))
            {
                endpoints.Endpoint(name, endpoint =>
                {
                    endpoint.ListenOptions.Protocols = HttpProtocols.Http1AndHttp2;
                    endpoint.ListenOptions.UseH2cPriorKnowledge();
                });
            }
        });
        return builder;
    }
}
