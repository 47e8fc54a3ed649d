namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// Counts a prompt's tokens (about 4 characters a token, at least 1 a message) and hashes its text
/// into the seed of the answer, so the same prompt always gets the same answer.
/// </summary>
internal struct PromptMeter()
{
    public const int CharsPerToken = 4;

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    private ulong _hash = FnvOffset;
    private int _tokens;
    private int _messageChars;

    public readonly int InputTokens => _tokens;

    public readonly ulong Seed => _hash;

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

    public void EndMessage()
    {
        _tokens += TokensFor(_messageChars);
        _messageChars = 0;
    }
}
