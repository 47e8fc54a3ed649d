namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>The rows of a query, each with its non-missing output fields, and how many events its filters matched.</summary>
internal sealed record QueryResult(IReadOnlyList<IReadOnlyList<ResultCell>> Rows, long RecordsMatched);
