namespace Switchyard.Router.Configuration;

/// <summary>OpenAI-compatible endpoints by name (section "OpenAIProviders").</summary>
public sealed class OpenAIProvidersOptions
{
    public const string SectionName = "OpenAIProviders";

    public Dictionary<string, OpenAIProviderOptions> Endpoints { get; } = new(StringComparer.Ordinal);
}
