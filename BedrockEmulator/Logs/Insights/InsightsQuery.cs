namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A parsed query: its commands in order and the fields each result row shows.</summary>
internal sealed record InsightsQuery(IReadOnlyList<QueryCommand> Commands, IReadOnlyList<string> OutputFields);
