namespace Switchyard.Router.Configuration;

/// <summary>One OpenAI-compatible endpoint: OpenAI, Azure OpenAI, vLLM, Ollama, the emulator.</summary>
public sealed class OpenAIProviderOptions
{
    /// <summary>Base address; "/v1" is appended when missing.</summary>
    public string Endpoint { get; set; } = "https://api.openai.com/v1";

    public string? ApiKey { get; set; }
}
