namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A log event or a row made by a command: its fields by name, <see cref="QueryValue.Null"/> for one it lacks.</summary>
internal interface IQueryRow
{
    QueryValue Get(string field);
}

/// <summary>A row made by <c>fields</c> or <c>stats</c>.</summary>
internal sealed class QueryRow(Dictionary<string, QueryValue> fields) : IQueryRow
{
    public QueryValue Get(string field) => fields.GetValueOrDefault(field);
}
