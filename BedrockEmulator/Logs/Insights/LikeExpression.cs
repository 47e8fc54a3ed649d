using System.Text.RegularExpressions;

namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary><c>operand like "substring"</c> (case-sensitive) or <c>operand like /regex/</c> (matched anywhere in the value).</summary>
internal sealed record LikeExpression(QueryExpression Operand, string? Substring, Regex? Pattern) : QueryExpression(QueryType.Bool)
{
    public override QueryValue Evaluate(IQueryRow row) => Operand.Evaluate(row) is { Type: QueryType.String, Text: { } text }
        ? QueryValue.FromBool(Pattern?.IsMatch(text) ?? text.Contains(Substring!, StringComparison.Ordinal))
        : QueryValue.False;
}
