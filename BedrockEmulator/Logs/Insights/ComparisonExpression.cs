namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A comparison of two values of one type; false when either is missing.</summary>
internal sealed record ComparisonExpression(ComparisonOperator Operator, QueryExpression Left, QueryExpression Right) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row)
    {
        var left = Left.Evaluate(row);
        var right = Right.Evaluate(row);
        if (left.Type == QueryType.Null || right.Type == QueryType.Null)
        {
            return QueryValue.False;
        }

        var order = QueryValue.Compare(left, right);
        return QueryValue.FromBool(Operator switch
        {
            ComparisonOperator.Equal => order == 0,
            ComparisonOperator.NotEqual => order != 0,
            ComparisonOperator.Less => order < 0,
            ComparisonOperator.LessOrEqual => order <= 0,
            ComparisonOperator.Greater => order > 0,
            _ => order >= 0,
        });
    }
}
