namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A row made by <c>fields</c> or <c>stats</c>.</summary>
internal sealed class QueryRow(Dictionary<string, QueryValue> fields) : IQueryRow
{
    public QueryValue Get(string field) => fields.GetValueOrDefault(field);
}
