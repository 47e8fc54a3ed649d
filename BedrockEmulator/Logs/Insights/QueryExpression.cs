using System.Text.RegularExpressions;

namespace Switchyard.BedrockEmulator.Logs.Insights;

internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>An expression of a <c>filter</c>, with the type the parser checked it has.</summary>
internal abstract record QueryExpression(QueryType Type)
{
    public abstract QueryValue Evaluate(IQueryRow row);
}

internal sealed record FieldExpression(string Name, QueryType FieldType) : QueryExpression(FieldType)
{
    public override QueryValue Evaluate(IQueryRow row) => row.Get(Name);
}

internal sealed record LiteralExpression(QueryValue Value) : QueryExpression(Value.Type)
{
    public override QueryValue Evaluate(IQueryRow row) => Value;
}

/// <summary><c>toMillis(field)</c>: a timestamp as milliseconds since the epoch.</summary>
internal sealed record ToMillisExpression(string Field) : QueryExpression(QueryType.Number)
{
    public override QueryValue Evaluate(IQueryRow row) =>
        row.Get(Field) is { Type: QueryType.Timestamp } timestamp ? QueryValue.FromNumber(timestamp.Millis) : QueryValue.Null;
}

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

/// <summary><c>operand like "substring"</c> (case-sensitive) or <c>operand like /regex/</c> (matched anywhere in the value).</summary>
internal sealed record LikeExpression(QueryExpression Operand, string? Substring, Regex? Pattern) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row) => Operand.Evaluate(row) is { Type: QueryType.String, Text: { } text }
        ? QueryValue.FromBool(Pattern?.IsMatch(text) ?? text.Contains(Substring!, StringComparison.Ordinal))
        : QueryValue.False;
}

internal sealed record AndExpression(QueryExpression Left, QueryExpression Right) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row) => QueryValue.FromBool(Left.Evaluate(row).IsTrue && Right.Evaluate(row).IsTrue);
}

internal sealed record OrExpression(QueryExpression Left, QueryExpression Right) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row) => QueryValue.FromBool(Left.Evaluate(row).IsTrue || Right.Evaluate(row).IsTrue);
}

internal sealed record NotExpression(QueryExpression Operand) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row) => QueryValue.FromBool(!Operand.Evaluate(row).IsTrue);
}
