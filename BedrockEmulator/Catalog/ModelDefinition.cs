namespace Switchyard.BedrockEmulator.Catalog;

/// <summary>
/// A base model: its limits, how fast it answers (time to first token, output tokens per second in
/// the fastest Region), how many quota tokens one output token burns, and its default quotas.
/// </summary>
internal sealed record ModelDefinition(
    string Id,
    string Name,
    int MaxOutputTokens,
    int OutputBurndown,
    int TimeToFirstTokenMs,
    int OutputTokensPerSecond,
    int DefaultRpm,
    long DefaultTpm,
    bool OnBedrock = true);
