namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary><c>sort field [asc|desc], ...</c> (ascending by default).</summary>
internal sealed record SortCommand(IReadOnlyList<SortKey> Keys) : QueryCommand;
