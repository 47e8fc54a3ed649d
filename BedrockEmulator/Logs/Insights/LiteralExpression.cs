namespace Switchyard.BedrockEmulator.Logs.Insights;

internal sealed record LiteralExpression(QueryValue Value) : QueryExpression(Value.Type)
{
    public override QueryValue Evaluate(IQueryRow row) => Value;
}
