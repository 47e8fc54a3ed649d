namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// The answer to a prompt: a prompt-derived length of 20..200 tokens, cut at max tokens, and its
/// deterministic text of exactly that many tokens (each token a three-letter word and a space).
/// </summary>
internal readonly record struct Completion(ulong Seed, int OutputTokens, bool HitMaxTokens)
{
    public const int MinNaturalTokens = 20;
    public const int MaxNaturalTokens = 200;

    /// <summary>Tokens sent in one stream delta.</summary>
    public const int TokensPerDelta = 3;

    private static readonly string[] Words =
    [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "one", "our", "out", "day", "get", "has",
        "how", "new", "now", "old", "see", "two", "way", "who", "did", "its", "let", "put", "say", "too", "use", "map",
        "run", "set", "key", "log", "bit", "row", "sum", "top", "end", "box", "net", "raw", "fix", "ask", "try", "fit",
    ];

    public static Completion For(ulong seed, int maxTokens)
    {
        var natural = MinNaturalTokens + (int)(seed % (MaxNaturalTokens - MinNaturalTokens + 1));
        return natural > maxTokens ? new(seed, maxTokens, true) : new(seed, natural, false);
    }

    public int Deltas => (OutputTokens + TokensPerDelta - 1) / TokensPerDelta;

    /// <summary>The text: <c>4 x OutputTokens - 1</c> characters, which count back to exactly <see cref="OutputTokens"/>.</summary>
    public string Text() => string.Create(Math.Max(0, (OutputTokens * PromptMeter.CharsPerToken) - 1), Seed, static (chars, seed) =>
    {
        var state = seed | 1;
        for (var i = 0; i < chars.Length; i += PromptMeter.CharsPerToken)
        {
            // xorshift64: cheap and deterministic.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Words[(int)(state % (ulong)Words.Length)].CopyTo(chars[i..]);
            if (i + 3 < chars.Length)
            {
                chars[i + 3] = ' ';
            }
        }
    });

    /// <summary>The characters of stream delta <paramref name="index"/> within <paramref name="text"/>.</summary>
    public static ReadOnlySpan<char> Delta(string text, int index)
    {
        const int width = TokensPerDelta * PromptMeter.CharsPerToken;
        var start = index * width;
        return text.AsSpan(start, Math.Min(width, text.Length - start));
    }
}
