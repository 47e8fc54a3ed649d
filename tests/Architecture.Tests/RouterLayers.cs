namespace Switchyard.Architecture.Tests;

/// <summary>
/// The Router's folders (one namespace each) by layer: protocol adapters on top, the protocol-free core
/// under them, hosting beside. A new folder must be placed here, or <see cref="RouterLayeringTests"/> fails.
/// </summary>
internal static class RouterLayers
{
    public const string Root = "Switchyard.Router";

    /// <summary>
    /// The front doors: each speaks one client protocol and maps it onto the core (Apis holds their endpoints,
    /// Http the request reading and retry headers they share).
    /// </summary>
    public static readonly string[] Adapters = ["Apis", "OpenAI", "Anthropic", "BedrockRuntime", "Http"];

    /// <summary>Knows no client protocol: tenancy, routing, providers, their configuration and telemetry.</summary>
    public static readonly string[] Core = ["Tenancy", "Routing", "Providers", "Configuration", "Telemetry"];

    /// <summary>Kestrel set-up, used only by Program.</summary>
    public static readonly string[] Hosting = ["Hosting"];
}
