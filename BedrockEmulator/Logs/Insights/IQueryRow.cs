namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A log event or a row made by a command: its fields by name, <see cref="QueryValue.Null"/> for one it lacks.</summary>
internal interface IQueryRow
{
    QueryValue Get(string field);
}
