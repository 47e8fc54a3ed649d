namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// Lays out the text of an answer of an exact length: sentences of random length while there is room,
/// then one or two sentences sized to end exactly on the last character. The seed picks the theme
/// and every choice, so the same seed always gives the same text.
/// </summary>
internal static class AnswerText
{
    /// <summary>The sized sentences get at least this much room, so an answer does not end on a stub.</summary>
    private const int ShortestTail = 24;

    /// <summary>A longer rest is sized as two sentences: one very long sentence reads worse than two.</summary>
    private const int LongestSizedSentence = 100;

    /// <summary>Fills <paramref name="chars"/>: 0 or at least 3 characters (the shortest answer is "Ok.").</summary>
    public static void Write(Span<char> chars, ulong seed)
    {
        var random = new SplitMix(seed);
        var grammar = Grammar.Themes[random.Next(Grammar.Themes.Length)];
        var position = 0;
        while (chars.Length - position > grammar.Longest + 1 + ShortestTail)
        {
            position += grammar.WriteAny(chars[position..], ref random, first: position == 0);
            chars[position++] = ' ';
        }

        var rest = chars[position..];
        if (rest.Length > LongestSizedSentence)
        {
            var half = rest.Length / 2;
            grammar.WriteExact(rest[..half], ref random);
            rest[half] = ' ';
            rest = rest[(half + 1)..];
        }

        if (!rest.IsEmpty)
        {
            grammar.WriteExact(rest, ref random);
        }
    }
}
