namespace Switchyard.Bench.Load;

/// <summary>
/// What a client got from one streamed answer: its text, the completion tokens of its usage chunk, whether
/// it ended with <c>[DONE]</c> and no error, and the Region the Router named in <c>x-switchyard-region</c>
/// (the deployment that started the stream). Error: the error event, status or exception, if any.
/// </summary>
public sealed record StreamTranscript(string Text, int CompletionTokens, bool Complete, string? Region, string? Error)
{
    /// <summary>Whether this answer reached the client whole: complete, with the text and token count of <paramref name="uncut"/>.</summary>
    public bool IsWholeAs(StreamTranscript uncut) =>
        Complete && CompletionTokens == uncut.CompletionTokens && string.Equals(Text, uncut.Text, StringComparison.Ordinal);
}
