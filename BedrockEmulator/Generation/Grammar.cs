namespace Switchyard.BedrockEmulator.Generation;

/// <summary>One theme of <see cref="Vocabulary"/>, compiled: writes sentences of a random or an exact length.</summary>
internal sealed class Grammar
{
    public static readonly Grammar[] Themes = Array.ConvertAll(Vocabulary.Themes(), phrases => new Grammar(phrases));

    private readonly SentenceTemplate[] _sentences;
    private readonly SentenceTemplate[] _fragments;

    private Grammar(IReadOnlyDictionary<string, string[]> phrases)
    {
        _sentences = Array.ConvertAll(Vocabulary.Sentences, pattern => new SentenceTemplate(pattern, phrases));
        _fragments = Array.ConvertAll(Vocabulary.Fragments, pattern => new SentenceTemplate(pattern, phrases));
        Longest = _sentences.Concat(_fragments).Max(template => template.Longest);
    }

    /// <summary>The longest sentence <see cref="WriteAny"/> writes.</summary>
    public int Longest { get; }

    /// <summary>
    /// Writes a sentence of random length into <paramref name="chars"/> and returns its length; the first
    /// of an answer is now and then a fragment, as chat answers open ("Good question.").
    /// </summary>
    public int WriteAny(Span<char> chars, ref SplitMix random, bool first)
    {
        var templates = first && random.Next(4) == 0 ? _fragments : _sentences;
        var length = templates[random.Next(templates.Length)].WriteAny(chars, ref random);
        chars[0] = char.ToUpperInvariant(chars[0]);
        return length;
    }

    /// <summary>Fills all of <paramref name="chars"/> with one sentence, or a fragment when no sentence is that short.</summary>
    public void WriteExact(Span<char> chars, ref SplitMix random)
    {
        var template = Fitting(_sentences, chars.Length, ref random) ?? Fitting(_fragments, chars.Length, ref random)
            ?? throw new ArgumentOutOfRangeException(nameof(chars), chars.Length, "No sentence or fragment has this length.");
        template.WriteExact(chars, ref random);
        chars[0] = char.ToUpperInvariant(chars[0]);
    }

    /// <summary>Of the first few templates that can fill <paramref name="length"/>, the one whose sentences are usually nearest that long.</summary>
    private static SentenceTemplate? Fitting(SentenceTemplate[] templates, int length, ref SplitMix random)
    {
        const int candidates = 2;
        SentenceTemplate? best = null;
        var found = 0;
        var start = random.Next(templates.Length);
        for (var i = 0; i < templates.Length && found < candidates; i++)
        {
            var template = templates[(start + i) % templates.Length];
            if (template.CanFill(length))
            {
                found++;
                if (best is null || Math.Abs(template.Average - length) < Math.Abs(best.Average - length))
                {
                    best = template;
                }
            }
        }

        return best;
    }
}
