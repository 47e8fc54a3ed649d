namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// Counts a prompt's tokens (about 4 characters a token, at least 1 a message) and hashes its text
/// into the seed of the answer, so the same prompt always gets the same answer. A prompt that ends on
/// an assistant prefill keeps the seed of the conversation before it too, so the answer can be continued
/// (<see cref="Completion.Continuing"/>).
/// </summary>
internal struct PromptMeter()
{
    public const int CharsPerToken = 4;

    /// <summary>The most tokens an image counts as.</summary>
    public const int ImageTokensCap = 1_600;

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    private ulong _hash = FnvOffset;
    private int _tokens;
    private int _messageChars;
    private ulong _answerSeed;

    public readonly int InputTokens => _tokens;

    /// <summary>Hash of the whole prompt, prefill included.</summary>
    public readonly ulong Seed => _hash;

    /// <summary>The text of the assistant message the prompt ends on, which the answer is to continue; null when it ends on a user turn.</summary>
    public string? Prefill { get; private set; }

    /// <summary>Hash of the conversation before <see cref="Prefill"/>: the seed of the answer that prefill began.</summary>
    public readonly ulong AnswerSeed => Prefill is null ? _hash : _answerSeed;

    /// <summary>Marks the message about to be added as the assistant prefill <paramref name="text"/>.</summary>
    public void BeginPrefill(string text)
    {
        _answerSeed = _hash;
        Prefill = text;
    }

    /// <summary>Tokens in a text of <paramref name="chars"/> characters.</summary>
    public static int TokensFor(int chars) => Math.Max(1, (chars + CharsPerToken - 1) / CharsPerToken);

    public void AddText(ReadOnlySpan<char> text)
    {
        _messageChars += text.Length;
        foreach (var c in text)
        {
            _hash = (_hash ^ c) * FnvPrime;
        }
    }

    /// <summary>
    /// An image counts a token per 64 bytes, at most 1,600 (Claude's most for one image): without decoding it,
    /// its size stands in for its pixels. Its length and first bytes go into the seed.
    /// </summary>
    public void AddImage(ReadOnlySpan<byte> image)
    {
        _messageChars += CharsPerToken * Math.Clamp(image.Length / 64, 1, ImageTokensCap);
        _hash = (_hash ^ (ulong)image.Length) * FnvPrime;
        foreach (var b in image[..Math.Min(image.Length, 64)])
        {
            _hash = (_hash ^ b) * FnvPrime;
        }
    }

    public void EndMessage()
    {
        _tokens += TokensFor(_messageChars);
        _messageChars = 0;
    }
}
