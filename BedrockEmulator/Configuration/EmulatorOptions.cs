namespace Switchyard.BedrockEmulator.Configuration;

/// <summary>The emulator's configuration, section <c>Emulator</c>.</summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>Test accounts by name; the access key id identifies the account in SigV4.</summary>
    public Dictionary<string, EmulatorAccountOptions> Accounts { get; set; } = [];

    public EmulatorQuotaOptions Quotas { get; set; } = new();

    public EmulatorLatencyOptions Latency { get; set; } = new();

    public EmulatorOpenAIOptions OpenAI { get; set; } = new();

    /// <summary>Entries kept by the invocation log (a ring buffer: the oldest go first).</summary>
    public int InvocationLogCapacity { get; set; } = 100_000;
}
