using System.Text;

namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>
/// Splits a Logs Insights query into tokens: field names (letters, digits, <c>_ . @</c>, or any text in
/// backticks), numbers, quoted strings, <c>/regex/</c> literals, <c>| , ( ) *</c> and comparison operators.
/// </summary>
internal static class QueryTokenizer
{
    public static List<QueryToken> Tokenize(string query)
    {
        var tokens = new List<QueryToken>();
        var i = 0;
        while (true)
        {
            while (i < query.Length && char.IsWhiteSpace(query[i]))
            {
                i++;
            }

            if (i == query.Length)
            {
                tokens.Add(new QueryToken(TokenKind.End, "", i, i));
                return tokens;
            }

            var start = i;
            var c = query[i];
            QueryToken token;
            if (IsFieldStart(c))
            {
                while (i < query.Length && IsFieldPart(query[i]))
                {
                    i++;
                }

                token = new QueryToken(TokenKind.Identifier, query[start..i], start, i);
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < query.Length && char.IsAsciiDigit(query[i + 1])))
            {
                token = ReadNumber(query, ref i);
            }
            else if (c is '"' or '\'' or '`')
            {
                var text = ReadQuoted(query, ref i, c);
                token = new QueryToken(c == '`' ? TokenKind.QuotedIdentifier : TokenKind.String, text, start, i);
            }
            else if (c == '/')
            {
                token = new QueryToken(TokenKind.Regex, ReadRegex(query, ref i), start, i);
            }
            else
            {
                token = ReadSymbol(query, ref i);
            }

            tokens.Add(token);
        }
    }

    private static bool IsFieldStart(char c) => char.IsAsciiLetter(c) || c is '_' or '@';

    private static bool IsFieldPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '@';

    private static QueryToken ReadNumber(string query, ref int i)
    {
        var start = i++;
        while (i < query.Length && char.IsAsciiDigit(query[i]))
        {
            i++;
        }

        if (i + 1 < query.Length && query[i] == '.' && char.IsAsciiDigit(query[i + 1]))
        {
            i++;
            while (i < query.Length && char.IsAsciiDigit(query[i]))
            {
                i++;
            }
        }

        if (i < query.Length && IsFieldPart(query[i]))
        {
            var end = i;
            while (end < query.Length && IsFieldPart(query[end]))
            {
                end++;
            }

            throw new MalformedQueryException($"'{query[start..end]}' is not a number; time units and bin() are outside the emulator's Logs Insights subset.", start, end);
        }

        return new QueryToken(TokenKind.Number, query[start..i], start, i);
    }

    /// <summary>A string or a backquoted field name; a backslash makes the next character literal.</summary>
    private static string ReadQuoted(string query, ref int i, char quote)
    {
        var start = i++;
        var text = new StringBuilder();
        while (i < query.Length && query[i] != quote)
        {
            if (query[i] == '\\' && i + 1 < query.Length)
            {
                i++;
            }

            text.Append(query[i++]);
        }

        if (i == query.Length)
        {
            throw new MalformedQueryException($"The {(quote == '`' ? "field name" : "string")} starting here is not closed with {quote}.", start, i);
        }

        i++;
        return text.ToString();
    }

    /// <summary>A <c>/regex/</c> literal; <c>\/</c> stands for a slash, every other escape is left to the regex.</summary>
    private static string ReadRegex(string query, ref int i)
    {
        var start = i++;
        var pattern = new StringBuilder();
        while (i < query.Length && query[i] != '/')
        {
            if (query[i] == '\\' && i + 1 < query.Length)
            {
                if (query[i + 1] != '/')
                {
                    pattern.Append('\\');
                }

                i++;
            }

            pattern.Append(query[i++]);
        }

        if (i == query.Length)
        {
            throw new MalformedQueryException("The regular expression starting here is not closed with /.", start, i);
        }

        i++;
        return pattern.ToString();
    }

    private static QueryToken ReadSymbol(string query, ref int i)
    {
        var start = i;
        var next = i + 1 < query.Length ? query[i + 1] : '\0';
        var (kind, length) = query[i] switch
        {
            '|' => (TokenKind.Pipe, 1),
            ',' => (TokenKind.Comma, 1),
            '(' => (TokenKind.LeftParen, 1),
            ')' => (TokenKind.RightParen, 1),
            '*' => (TokenKind.Star, 1),
            '=' => (TokenKind.Equal, 1),
            '!' when next == '=' => (TokenKind.NotEqual, 2),
            '<' when next == '=' => (TokenKind.LessOrEqual, 2),
            '<' => (TokenKind.Less, 1),
            '>' when next == '=' => (TokenKind.GreaterOrEqual, 2),
            '>' => (TokenKind.Greater, 1),
            _ => throw new MalformedQueryException(
                $"Unexpected character '{query[i]}': the emulator's Logs Insights subset has no arithmetic, comments or other operators.", start, start + 1),
        };
        i += length;
        return new QueryToken(kind, query.Substring(start, length), start, i);
    }
}
