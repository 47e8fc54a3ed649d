namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>One token of a query: its kind, its value (unquoted, unescaped) and where it stands (character offsets, end exclusive).</summary>
internal readonly record struct QueryToken(TokenKind Kind, string Value, int Start, int End)
{
    public bool IsWord(string word) => Kind == TokenKind.Identifier && Value.Equals(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the query",
        TokenKind.String => $"\"{Value}\"",
        TokenKind.Regex => $"/{Value}/",
        _ => $"'{Value}'",
    };
}
