namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>The type of a value, and statically of an expression or field (<see cref="Null"/>: a field no event has).</summary>
internal enum QueryType
{
    Null,
    Bool,
    Number,
    String,
    Timestamp,
}
