using Switchyard.BedrockEmulator.Logs.Insights;

namespace Switchyard.BedrockEmulator.Logs;

/// <summary>
/// A Logs Insights query that has run: the emulator runs each one to completion when it is started,
/// so every stored query is Complete, with its results and statistics.
/// </summary>
internal sealed record InsightsQueryRun(
    string QueryId, string Account, string Region, string QueryString, IReadOnlyList<string> LogGroupNames, DateTimeOffset CreateTime,
    QueryResult Result, long RecordsScanned, long BytesScanned)
{
    public const string Complete = "Complete";

    public string Status => Complete;
}
