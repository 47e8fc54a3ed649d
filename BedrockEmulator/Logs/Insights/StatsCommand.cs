namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary><c>stats count(*) [as name], ... [by field, ...]</c>: one row per group, the group's fields then its counts.</summary>
internal sealed record StatsCommand(IReadOnlyList<string> Counts, IReadOnlyList<string> By) : QueryCommand;
