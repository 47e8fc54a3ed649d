namespace Switchyard.Router.Configuration;

/// <summary>One OpenAI-compatible endpoint: OpenAI, Azure OpenAI, vLLM, Ollama, the emulator.</summary>
public sealed class OpenAIProviderOptions
{
    /// <summary>Base address; "/v1" is appended when missing.</summary>
    public string Endpoint { get; set; } = "https://api.openai.com/v1";

    public string? ApiKey { get; set; }

    /// <summary>"1.1" (the default) or "2": HTTP/2 negotiated over TLS, with prior knowledge (h2c) over http:// (docs/router.md).</summary>
    public string? HttpVersion { get; set; }
}
