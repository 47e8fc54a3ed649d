namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>An expression of a <c>filter</c>, with the type the parser checked it has.</summary>
internal abstract record QueryExpression(QueryType Type)
{
    public abstract QueryValue Evaluate(IQueryRow row);
}
