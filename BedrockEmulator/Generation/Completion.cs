namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// The answer to a prompt: a prompt-derived length of 20..200 tokens, cut at max tokens, and its
/// deterministic text of exactly that many tokens (<see cref="AnswerText"/>).
/// </summary>
internal readonly record struct Completion(ulong Seed, int OutputTokens, bool HitMaxTokens)
{
    public const int MinNaturalTokens = 20;
    public const int MaxNaturalTokens = 200;

    /// <summary>Tokens sent in one stream delta.</summary>
    public const int TokensPerDelta = 3;

    public static Completion For(ulong seed, int maxTokens)
    {
        var natural = MinNaturalTokens + (int)(seed % (MaxNaturalTokens - MinNaturalTokens + 1));
        return natural > maxTokens ? new(seed, maxTokens, true) : new(seed, natural, false);
    }

    /// <summary>
    /// The answer to a prompt that ends on an assistant prefill: when the prefill is the beginning of the
    /// answer the conversation before it gets (with room for <paramref name="maxTokens"/> more tokens,
    /// as max tokens counts new tokens only), that answer, of which the first <paramref name="prefilledChars"/>
    /// are already given; otherwise the prompt's own answer as for any other prompt.
    /// </summary>
    public static Completion Continuing(in PromptMeter prompt, int maxTokens, out int prefilledChars)
    {
        prefilledChars = 0;
        if (prompt.Prefill is not { } prefill)
        {
            return For(prompt.Seed, maxTokens);
        }

        var answer = For(prompt.AnswerSeed, checked(maxTokens + PromptMeter.TokensFor(prefill.Length)));
        if (answer.Text().StartsWith(prefill, StringComparison.Ordinal))
        {
            prefilledChars = prefill.Length;
            return answer;
        }

        return For(prompt.Seed, maxTokens);
    }

    public int Deltas => (OutputTokens + TokensPerDelta - 1) / TokensPerDelta;

    /// <summary>
    /// The text: English sentences of <c>4 x OutputTokens - 1</c> characters in all, which count back to
    /// exactly <see cref="OutputTokens"/>.
    /// </summary>
    public string Text() => string.Create(Math.Max(0, checked(OutputTokens * PromptMeter.CharsPerToken) - 1), Seed, AnswerText.Write);

    /// <summary>
    /// The characters of stream delta <paramref name="index"/> within <paramref name="text"/>; a delta may
    /// end inside a word, as real token streams do.
    /// </summary>
    public static ReadOnlySpan<char> Delta(string text, int index)
    {
        const int width = TokensPerDelta * PromptMeter.CharsPerToken;
        var start = index * width;
        return text.AsSpan(start, Math.Min(width, text.Length - start));
    }
}
