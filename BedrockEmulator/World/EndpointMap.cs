using System.Collections.Frozen;

namespace Switchyard.BedrockEmulator.World;

/// <summary>
/// Maps a connection to what it serves by its local port, compared with the configured Kestrel
/// endpoints (<c>Kestrel:Endpoints:&lt;name&gt;:Url</c>, names admin, openai or a Region). Ports are
/// never hard-coded: Aspire rewrites those URLs, and tests pick free ports.
/// </summary>
internal sealed class EndpointMap
{
    public const string AdminEndpoint = "admin";
    public const string OpenAIEndpoint = "openai";

    private readonly FrozenDictionary<int, EndpointTarget> _byPort;

    public EndpointMap(IConfiguration configuration)
    {
        var byPort = new Dictionary<int, EndpointTarget>();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            var url = endpoint["Url"];
            if (string.IsNullOrEmpty(url))
            {
                continue;
            }

            var target = endpoint.Key switch
            {
                AdminEndpoint => new EndpointTarget(EndpointRole.Admin, null),
                OpenAIEndpoint => new EndpointTarget(EndpointRole.OpenAI, RegionCatalog.OpenAI),
                var name when Array.Find(RegionCatalog.BedrockRegions, r => r.Name == name) is { } region => new EndpointTarget(EndpointRole.Region, region),
                _ => default,
            };
            if (target.Role != EndpointRole.None)
            {
                byPort[BindingAddress.Parse(url).Port] = target;
            }
        }

        _byPort = byPort.ToFrozenDictionary();
    }

    public EndpointTarget At(HttpContext context) => _byPort.GetValueOrDefault(context.Connection.LocalPort);
}
