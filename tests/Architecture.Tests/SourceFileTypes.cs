using System.Text.RegularExpressions;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// The top-level types a C# source file declares, found by a scan of its tokens: comments, strings (verbatim,
/// interpolated, raw) and character literals are skipped, braces and brackets counted, and a type keyword counts
/// only at the file's top level (file-scoped or block namespaces), outside parentheses, and not as a generic
/// constraint (<c>where T : class</c>). Roslyn is not among this project's packages; the house style (one
/// file-scoped namespace, no preprocessor blocks around types) keeps the scan simple.
/// </summary>
internal static partial class SourceFileTypes
{
    private static readonly HashSet<string> TypeKeywords = ["class", "struct", "interface", "enum", "record", "delegate"];

    private static readonly HashSet<string> Modifiers =
        ["public", "internal", "file", "sealed", "static", "abstract", "partial", "readonly", "ref", "unsafe", "new", "record"];

    /// <summary>A top-level type: its name without type parameters, whether it is <c>file</c>-local, and the text of its base list.</summary>
    public sealed record TopLevelType(string Name, bool FileLocal, string Bases);

    public static IReadOnlyList<TopLevelType> Find(string source)
    {
        var tokens = Token().Matches(source)
            .Where(m => !m.Groups["skip"].Success)
            .Select(m => (Text: m.Value, IsWord: m.Groups["word"].Success))
            .ToList();

        var types = new List<TopLevelType>();
        var namespaceDepths = new HashSet<int> { 0 };
        int depth = 0, parentheses = 0;
        string? previous = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var (text, isWord) = tokens[i];
            switch (text)
            {
                case "namespace" when isWord && parentheses == 0 && namespaceDepths.Contains(depth):
                    while (i + 1 < tokens.Count && tokens[i + 1].Text is not ("{" or ";"))
                    {
                        i++;
                    }

                    if (i + 1 < tokens.Count && tokens[++i].Text == "{")
                    {
                        namespaceDepths.Add(++depth);
                    }

                    previous = null;
                    continue;
                case "(" or "[":
                    parentheses++;
                    break;
                case ")" or "]":
                    parentheses--;
                    break;
                case "{":
                    depth++;
                    break;
                case "}":
                    namespaceDepths.Remove(depth--);
                    break;
                default:
                    if (isWord && TypeKeywords.Contains(text) && parentheses == 0 && namespaceDepths.Contains(depth)
                        && previous is not (":" or "," or "<" or "record") && Declared(tokens, i) is { } type)
                    {
                        types.Add(type);
                    }

                    break;
            }

            previous = text;
        }

        return types;
    }

    /// <summary>The type whose keyword is at <paramref name="keyword"/>, or null when no name follows it.</summary>
    private static TopLevelType? Declared(List<(string Text, bool IsWord)> tokens, int keyword)
    {
        string? name;
        var next = keyword + 1;
        if (tokens[keyword].Text == "delegate")
        {
            // delegate Task<int> Name<T>(T value) where T : struct; — the name is the word before the last
            // parameter list (and its type parameters), so a generic or tuple return type does not mislead.
            var end = next;
            for (var nesting = 0; end < tokens.Count && !(nesting == 0 && tokens[end].Text is ";" or "where"); end++)
            {
                nesting += tokens[end].Text switch { "(" => 1, ")" => -1, _ => 0 };
            }

            var at = Before(tokens, end - 1, "(", ")");
            at = at > keyword && tokens[at].Text == ">" ? Before(tokens, at, "<", ">") : at;
            name = at > keyword && tokens[at].IsWord ? tokens[at].Text : null;
        }
        else
        {
            if (tokens[keyword].Text == "record" && next < tokens.Count && tokens[next].Text is "struct" or "class")
            {
                next++;
            }

            name = next < tokens.Count && tokens[next].IsWord ? tokens[next++].Text : null;
        }

        if (name is null or "where")
        {
            return null;
        }

        var fileLocal = false;
        for (var before = keyword - 1; before >= 0 && Modifiers.Contains(tokens[before].Text); before--)
        {
            fileLocal |= tokens[before].Text == "file";
        }

        var bases = tokens[keyword].Text == "delegate"
            ? ""
            : string.Join(" ", tokens.Skip(next).TakeWhile(t => t.Text is not ("{" or ";")).Select(t => t.Text));
        return new TopLevelType(name, fileLocal, bases);
    }

    /// <summary>The index before the group that closes at <paramref name="close"/> (a <c>)</c> or <c>&gt;</c>) and opens with <paramref name="open"/>.</summary>
    private static int Before(List<(string Text, bool IsWord)> tokens, int close, string open, string closing)
    {
        if (close < 0 || tokens[close].Text != closing)
        {
            return close;
        }

        var at = close;
        for (var nesting = 0; at >= 0; at--)
        {
            nesting += tokens[at].Text == closing ? 1 : tokens[at].Text == open ? -1 : 0;
            if (nesting == 0)
            {
                break;
            }
        }

        return at - 1;
    }

    [GeneratedRegex("""
        (?<skip>\s+|//[^\n]*|/\*.*?\*/|\$*""{3,}.*?""{3,}|\$?@\$?"(?:[^"]|"")*"|\$?"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)+')|(?<word>@?[A-Za-z_]\w*)|.
        """, RegexOptions.Singleline)]
    private static partial Regex Token();
}
