namespace Switchyard.BedrockEmulator.Logs.Insights;

internal sealed record NotExpression(QueryExpression Operand) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row) => QueryValue.FromBool(!Operand.Evaluate(row).IsTrue);
}
