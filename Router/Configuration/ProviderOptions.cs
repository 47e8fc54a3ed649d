namespace Switchyard.Router.Configuration;

/// <summary>Amazon Bedrock accounts and endpoints (section "Bedrock").</summary>
public sealed class BedrockOptions
{
    public const string SectionName = "Bedrock";

    public Dictionary<string, BedrockAccountOptions> Accounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Base address per Region, overriding https://bedrock-runtime.{region}.amazonaws.com (the emulator sets these).</summary>
    public Dictionary<string, string> Endpoints { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Credentials of one AWS account: static keys, a named profile, or neither (the default credential chain,
/// which includes web identity and SSO). An empty or blank profile means the default chain.
/// </summary>
public sealed class BedrockAccountOptions
{
    public string? AccountId { get; set; }

    public string? Profile { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? SessionToken { get; set; }
}

/// <summary>OpenAI-compatible endpoints by name (section "OpenAIProviders").</summary>
public sealed class OpenAIProvidersOptions
{
    public const string SectionName = "OpenAIProviders";

    public Dictionary<string, OpenAIProviderOptions> Endpoints { get; } = new(StringComparer.Ordinal);
}

/// <summary>One OpenAI-compatible endpoint: OpenAI, Azure OpenAI, vLLM, Ollama, the emulator.</summary>
public sealed class OpenAIProviderOptions
{
    /// <summary>Base address; "/v1" is appended when missing.</summary>
    public string Endpoint { get; set; } = "https://api.openai.com/v1";

    public string? ApiKey { get; set; }
}
