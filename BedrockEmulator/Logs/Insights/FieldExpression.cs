namespace Switchyard.BedrockEmulator.Logs.Insights;

internal sealed record FieldExpression(string Name, QueryType FieldType) : QueryExpression(FieldType)
{
    public override QueryValue Evaluate(IQueryRow row) => row.Get(Name);
}
