using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>
/// Parses the emulator's Logs Insights subset by recursive descent and checks it against the fields the
/// events have, so that anything it could not answer exactly is a <see cref="MalformedQueryException"/>:
/// <code>
/// query     := command ('|' command)*
/// command   := 'fields' field (',' field)*  |  'filter' or  |  'sort' field ['asc'|'desc'] (',' ...)*  |  'limit' n
///            | 'stats' 'count' '(' '*' ')' ['as' name] (',' ...)* ['by' field (',' field)*]
/// or        := and ('or' and)*            and := unary ('and' unary)*        unary := 'not' unary | predicate
/// predicate := '(' or ')' | operand [('=' | '!=' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=') operand | ['not'] 'like' (/regex/ | "text")]
/// operand   := field | number | "text" | 'toMillis' '(' field ')'
/// </code>
/// </summary>
internal sealed class QueryParser
{
    public const int MaxLimit = 10_000;

    private static readonly string[] Commands = ["fields", "filter", "stats", "sort", "limit"];
    private static readonly string[] OutsideCommands = ["display", "parse", "dedup", "pattern", "diff", "unmask", "unnest", "lookup", "source", "anomaly", "filterIndex"];
    private static readonly string[] Reserved = ["and", "or", "not", "like", "by", "as", "asc", "desc", "in"];
    private static readonly string[] DefaultOutput = ["@timestamp", "@message"];

    private readonly List<QueryToken> _tokens;
    private readonly IReadOnlyDictionary<string, QueryType> _sourceFields;
    private int _position;

    /// <summary>The fields rows have after <c>fields</c> or <c>stats</c>, in order; null while rows are the events themselves.</summary>
    private List<(string Name, QueryType Type)>? _rowFields;

    private string _shapedBy = "";

    private QueryParser(string query, IReadOnlyDictionary<string, QueryType> sourceFields)
    {
        _tokens = QueryTokenizer.Tokenize(query);
        _sourceFields = sourceFields;
    }

    private QueryToken Current => _tokens[_position];

    /// <param name="sourceFields">The events' fields and their types; any other field is missing from every event.</param>
    public static InsightsQuery Parse(string query, IReadOnlyDictionary<string, QueryType> sourceFields) =>
        new QueryParser(query, sourceFields).ParseQuery();

    private InsightsQuery ParseQuery()
    {
        if (Current.Kind == TokenKind.End)
        {
            throw new MalformedQueryException("The query is empty.", 0, 0);
        }

        var commands = new List<QueryCommand>();
        while (true)
        {
            commands.Add(ParseCommand());
            if (Current.Kind == TokenKind.End)
            {
                break;
            }

            Expect(TokenKind.Pipe, "'|' before the next command");
        }

        return new InsightsQuery(commands, _rowFields?.Select(f => f.Name).ToList() ?? [.. DefaultOutput]);
    }

    private QueryCommand ParseCommand()
    {
        var token = Next();
        if (token.Kind != TokenKind.Identifier)
        {
            throw Error($"Expected a command ({string.Join(", ", Commands)}), found {token.Describe()}.", token);
        }

        return token.Value.ToLowerInvariant() switch
        {
            "fields" => ParseFields(),
            "filter" => ParseFilter(),
            "stats" => ParseStats(),
            "sort" => ParseSort(),
            "limit" => ParseLimit(),
            _ when OutsideCommands.Any(token.IsWord) => throw Error(
                $"The command '{token.Value}' is outside the emulator's Logs Insights subset ({string.Join(", ", Commands)}).", token),
            _ => throw Error($"Unknown command '{token.Value}'; the emulator's Logs Insights subset has {string.Join(", ", Commands)}.", token),
        };
    }

    private FieldsCommand ParseFields()
    {
        var fields = new List<(string Name, QueryType Type)>();
        do
        {
            var (name, type, token) = ParseFieldName("fields");
            if (Current.IsWord("as") || Current.Kind == TokenKind.LeftParen)
            {
                throw Error("'fields' takes field names only in the emulator's Logs Insights subset (no functions or aliases).", Current);
            }

            if (fields.Any(f => f.Name == name))
            {
                throw Error($"The field '{name}' is listed twice.", token);
            }

            fields.Add((name, type));
        }
        while (Accept(TokenKind.Comma));

        _rowFields = fields;
        _shapedBy = "fields";
        return new FieldsCommand([.. fields.Select(f => f.Name)]);
    }

    private FilterCommand ParseFilter()
    {
        var start = Current;
        var condition = ParseOr();
        if (condition.Type != QueryType.Bool)
        {
            throw Error("'filter' needs a condition: a comparison, like, or conditions joined by and, or, not.", start);
        }

        return new FilterCommand(condition);
    }

    private StatsCommand ParseStats()
    {
        var counts = new List<string>();
        do
        {
            var function = Next();
            if (function.Kind == TokenKind.End)
            {
                throw Error("Expected count(*) after 'stats', found the end of the query.", function);
            }

            if (!function.IsWord("count") || Current.Kind != TokenKind.LeftParen)
            {
                throw Error($"{function.Describe()} is outside the emulator's Logs Insights subset: stats supports count(*).", function);
            }

            Next();
            if (Current.Kind != TokenKind.Star)
            {
                throw Error("Only count(*) is in the emulator's Logs Insights subset.", Current);
            }

            Next();
            var close = Expect(TokenKind.RightParen, "')'");
            var name = "count(*)";
            var nameToken = close;
            if (Accept("as"))
            {
                nameToken = Next();
                name = nameToken.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier && !IsReserved(nameToken)
                    ? nameToken.Value
                    : throw Error($"Expected a name after 'as', found {nameToken.Describe()}.", nameToken);
            }

            if (counts.Contains(name))
            {
                throw Error($"Two aggregates are named '{name}'; give them different names with 'as'.", nameToken);
            }

            counts.Add(name);
        }
        while (Accept(TokenKind.Comma));

        var by = new List<(string Name, QueryType Type)>();
        if (Accept("by"))
        {
            do
            {
                var (name, type, token) = ParseFieldName("stats ... by");
                if (Current.Kind == TokenKind.LeftParen)
                {
                    throw Error("Grouping by a function (such as bin) is outside the emulator's Logs Insights subset; group by fields.", Current);
                }

                if (by.Any(b => b.Name == name) || counts.Contains(name))
                {
                    throw Error($"The field '{name}' appears twice in the stats output.", token);
                }

                by.Add((name, type));
            }
            while (Accept(TokenKind.Comma));
        }

        _rowFields = [.. by, .. counts.Select(c => (c, QueryType.Number))];
        _shapedBy = "stats";
        return new StatsCommand(counts, [.. by.Select(b => b.Name)]);
    }

    private SortCommand ParseSort()
    {
        var keys = new List<SortKey>();
        do
        {
            var (name, _, _) = ParseFieldName("sort");
            var descending = Accept("desc");
            if (!descending)
            {
                Accept("asc");
            }

            keys.Add(new SortKey(name, descending));
        }
        while (Accept(TokenKind.Comma));

        return new SortCommand(keys);
    }

    private LimitCommand ParseLimit()
    {
        var token = Next();
        if (token.Kind != TokenKind.Number || !int.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxLimit)
        {
            throw Error($"'limit' takes a whole number from 1 to {MaxLimit}, found {token.Describe()}.", token);
        }

        return new LimitCommand(count);
    }

    private QueryExpression ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsWord("or"))
        {
            var op = Next();
            left = new OrExpression(RequireCondition(left, op), RequireCondition(ParseAnd(), op));
        }

        return left;
    }

    private QueryExpression ParseAnd()
    {
        var left = ParseUnary();
        while (Current.IsWord("and"))
        {
            var op = Next();
            left = new AndExpression(RequireCondition(left, op), RequireCondition(ParseUnary(), op));
        }

        return left;
    }

    private QueryExpression ParseUnary()
    {
        if (Current.IsWord("not"))
        {
            var op = Next();
            return new NotExpression(RequireCondition(ParseUnary(), op));
        }

        return ParsePredicate();
    }

    private QueryExpression ParsePredicate()
    {
        if (Accept(TokenKind.LeftParen))
        {
            var inner = ParseOr();
            Expect(TokenKind.RightParen, "')'");
            return inner;
        }

        var start = Current;
        var left = ParseOperand();
        var op = Current;
        if (ComparisonOf(op.Kind) is { } comparison)
        {
            Next();
            var rightStart = Current;
            var right = ParseOperand();
            CheckComparable(left, right, start, rightStart);
            return new ComparisonExpression(comparison, left, right);
        }

        if (op.IsWord("in"))
        {
            throw Error("'in' is outside the emulator's Logs Insights subset; join comparisons with or.", op);
        }

        var negated = op.IsWord("not") && _tokens[_position + 1].IsWord("like");
        if (negated)
        {
            Next();
        }

        if (Accept("like"))
        {
            if (left.Type is not (QueryType.String or QueryType.Null))
            {
                throw Error($"'like' matches text; {Describe(left)} is a {left.Type.ToString().ToLowerInvariant()}.", start);
            }

            var pattern = Next();
            QueryExpression like = pattern.Kind switch
            {
                TokenKind.String => new LikeExpression(left, pattern.Value, null),
                TokenKind.Regex => new LikeExpression(left, null, CompileRegex(pattern)),
                _ => throw Error($"'like' takes a /regular expression/ or a \"string\", found {pattern.Describe()}.", pattern),
            };
            return negated ? new NotExpression(like) : like;
        }

        return left;
    }

    private QueryExpression ParseOperand()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Next();
                return new LiteralExpression(QueryValue.FromNumber(double.Parse(token.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)));
            case TokenKind.String:
                Next();
                return new LiteralExpression(QueryValue.FromString(token.Value));
            case TokenKind.Identifier when _tokens[_position + 1].Kind == TokenKind.LeftParen:
                return ParseFunction();
            case TokenKind.Identifier or TokenKind.QuotedIdentifier:
                var (name, type, _) = ParseFieldName("filter");
                return new FieldExpression(name, type);
            default:
                throw Error($"Expected a field, a number or a string, found {token.Describe()}.", token);
        }
    }

    private ToMillisExpression ParseFunction()
    {
        var function = Next();
        if (!function.Value.Equals("toMillis", StringComparison.OrdinalIgnoreCase))
        {
            throw Error($"The function '{function.Value}' is outside the emulator's Logs Insights subset; filter supports toMillis(@timestamp).", function);
        }

        Next();
        var (name, type, token) = ParseFieldName("toMillis");
        Expect(TokenKind.RightParen, "')'");
        return type is QueryType.Timestamp or QueryType.Null
            ? new ToMillisExpression(name)
            : throw Error($"toMillis takes a timestamp field such as @timestamp; '{name}' is a {type.ToString().ToLowerInvariant()}.", token);
    }

    /// <summary>A field name, checked against the fields rows have at this point of the pipeline.</summary>
    private (string Name, QueryType Type, QueryToken Token) ParseFieldName(string context)
    {
        var token = Next();
        if (token.Kind == TokenKind.QuotedIdentifier || (token.Kind == TokenKind.Identifier && !IsReserved(token) && !Commands.Any(token.IsWord)))
        {
            if (_rowFields is null)
            {
                return (token.Value, _sourceFields.GetValueOrDefault(token.Value, QueryType.Null), token);
            }

            var field = _rowFields.FirstOrDefault(f => f.Name == token.Value);
            return field.Name is not null
                ? (field.Name, field.Type, token)
                : throw Error($"The field '{token.Value}' is not available after '{_shapedBy}', which keeps {string.Join(", ", _rowFields.Select(f => f.Name))}.", token);
        }

        throw Error($"Expected a field name in {context}, found {token.Describe()}.", token);
    }

    private static Regex CompileRegex(QueryToken token)
    {
        try
        {
            // Non-backtracking, as RE2 (which Logs Insights uses): linear time whatever the pattern.
            return new Regex(token.Value, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw Error($"Invalid regular expression /{token.Value}/: {e.Message}", token);
        }
    }

    private static void CheckComparable(QueryExpression left, QueryExpression right, QueryToken leftToken, QueryToken rightToken)
    {
        foreach (var (side, token) in new[] { (left, leftToken), (right, rightToken) })
        {
            if (side.Type == QueryType.Bool)
            {
                throw Error("A condition cannot be compared; join conditions with and, or, not.", token);
            }
        }

        if (left.Type != right.Type && left.Type != QueryType.Null && right.Type != QueryType.Null)
        {
            var hint = left.Type == QueryType.Timestamp || right.Type == QueryType.Timestamp ? " Compare toMillis(@timestamp) with a number of milliseconds." : "";
            throw Error($"Cannot compare {Describe(left)} ({left.Type.ToString().ToLowerInvariant()}) with {Describe(right)} ({right.Type.ToString().ToLowerInvariant()}).{hint}", leftToken);
        }
    }

    private static QueryExpression RequireCondition(QueryExpression operand, QueryToken op) =>
        operand.Type == QueryType.Bool ? operand : throw Error($"'{op.Value}' joins conditions, and {Describe(operand)} is a value.", op);

    private static string Describe(QueryExpression expression) => expression switch
    {
        FieldExpression field => $"'{field.Name}'",
        LiteralExpression literal => literal.Value.Type == QueryType.String ? $"\"{literal.Value.Text}\"" : literal.Value.Display ?? "",
        ToMillisExpression millis => $"toMillis({millis.Field})",
        _ => "a condition",
    };

    private static ComparisonOperator? ComparisonOf(TokenKind kind) => kind switch
    {
        TokenKind.Equal => ComparisonOperator.Equal,
        TokenKind.NotEqual => ComparisonOperator.NotEqual,
        TokenKind.Less => ComparisonOperator.Less,
        TokenKind.LessOrEqual => ComparisonOperator.LessOrEqual,
        TokenKind.Greater => ComparisonOperator.Greater,
        TokenKind.GreaterOrEqual => ComparisonOperator.GreaterOrEqual,
        _ => null,
    };

    private static bool IsReserved(QueryToken token) => Reserved.Any(token.IsWord);

    private QueryToken Next()
    {
        var token = Current;
        if (token.Kind != TokenKind.End)
        {
            _position++;
        }

        return token;
    }

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }

        Next();
        return true;
    }

    private bool Accept(string word)
    {
        if (!Current.IsWord(word))
        {
            return false;
        }

        Next();
        return true;
    }

    private QueryToken Expect(TokenKind kind, string what) =>
        Current.Kind == kind ? Next() : throw Error($"Expected {what}, found {Current.Describe()}.", Current);

    private static MalformedQueryException Error(string message, QueryToken at) => new(message, at.Start, at.End);
}
