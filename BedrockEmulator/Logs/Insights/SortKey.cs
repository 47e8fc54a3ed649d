namespace Switchyard.BedrockEmulator.Logs.Insights;

internal sealed record SortKey(string Field, bool Descending);
