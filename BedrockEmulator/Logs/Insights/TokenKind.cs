namespace Switchyard.BedrockEmulator.Logs.Insights;

internal enum TokenKind
{
    Identifier,
    QuotedIdentifier,
    Number,
    String,
    Regex,
    Pipe,
    Comma,
    LeftParen,
    RightParen,
    Star,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    End,
}
