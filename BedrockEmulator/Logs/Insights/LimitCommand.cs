namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary><c>limit n</c>.</summary>
internal sealed record LimitCommand(int Count) : QueryCommand;
