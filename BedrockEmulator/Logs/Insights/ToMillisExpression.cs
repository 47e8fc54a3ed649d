namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary><c>toMillis(field)</c>: a timestamp as milliseconds since the epoch.</summary>
internal sealed record ToMillisExpression(string Field) : QueryExpression(QueryType.Number)
{
    public override QueryValue Evaluate(IQueryRow row) =>
        row.Get(Field) is { Type: QueryType.Timestamp } timestamp ? QueryValue.FromNumber(timestamp.Millis) : QueryValue.Null;
}
