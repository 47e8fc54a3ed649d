namespace Switchyard.BedrockEmulator.Configuration;

public sealed class EmulatorOpenAIOptions
{
    /// <summary>Bearer key to account name.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];
}
