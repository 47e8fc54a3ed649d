namespace Switchyard.BedrockEmulator.Logs.Insights;

internal sealed record OrExpression(QueryExpression Left, QueryExpression Right) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row) => QueryValue.FromBool(Left.Evaluate(row).IsTrue || Right.Evaluate(row).IsTrue);
}
