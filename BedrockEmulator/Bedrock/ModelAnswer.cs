using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// The answer as served: the completion's text, or the part of it before the first stop sequence it
/// contains, with the stop reason Bedrock reports (<c>end_turn</c>, <c>max_tokens</c>, <c>stop_sequence</c>).
/// </summary>
internal sealed record ModelAnswer(string Text, int OutputTokens, int Deltas, string StopReason, string? StopSequence)
{
    private const int DeltaChars = Completion.TokensPerDelta * PromptMeter.CharsPerToken;

    /// <summary>
    /// The answer to <paramref name="invocation"/>; when a stop sequence cuts it short, the invocation's
    /// completion is shortened too, so latency and quota count only what the model generated (the stop
    /// sequence included, as it was generated before being left out). When the request's assistant
    /// prefill began the answer, only the rest is served and counted: the prefill counts as many tokens
    /// as it would have as output, so prefill and rest add up to the un-prefixed answer's tokens.
    /// </summary>
    public static ModelAnswer For(Invocation invocation, IReadOnlyList<string>? stopSequences)
    {
        var completion = invocation.Completion;
        var text = completion.Text();
        if (invocation.PrefilledChars > 0)
        {
            var rest = text[invocation.PrefilledChars..];
            var continued = Math.Max(0, completion.OutputTokens - PromptMeter.TokensFor(invocation.PrefilledChars));
            invocation.Completion = completion with { OutputTokens = continued };
            return new(rest, continued, (rest.Length + DeltaChars - 1) / DeltaChars, completion.HitMaxTokens ? "max_tokens" : "end_turn", null);
        }

        var (cut, stop) = FirstStop(text, stopSequences);
        if (stop is null)
        {
            return new(text, completion.OutputTokens, completion.Deltas, completion.HitMaxTokens ? "max_tokens" : "end_turn", null);
        }

        var generated = Math.Min(completion.OutputTokens, PromptMeter.TokensFor(checked(cut + stop.Length)));
        invocation.Completion = completion with { OutputTokens = generated, HitMaxTokens = false };
        return new(text[..cut], generated, (cut + DeltaChars - 1) / DeltaChars, "stop_sequence", stop);
    }

    /// <summary>
    /// The answer when a tool is forced (toolChoice <c>tool</c> or <c>any</c>): the tool's input, a value of its
    /// schema whose strings come from the completion's text, as JSON (<see cref="Text"/>), with stop reason
    /// <c>tool_use</c>. The invocation's completion is resized to that JSON, so latency and quota count it.
    /// </summary>
    public static ModelAnswer ForTool(Invocation invocation, System.Text.Json.JsonElement schema)
    {
        var completion = invocation.Completion;
        var json = SchemaInstance.Write(schema, completion.Text());
        var tokens = PromptMeter.TokensFor(json.Length);
        invocation.Completion = completion with { OutputTokens = tokens, HitMaxTokens = false };
        return new(json, tokens, (json.Length + DeltaChars - 1) / DeltaChars, "tool_use", null);
    }

    /// <summary>An empty stop sequence (which would stop every answer before it starts) is invalid.</summary>
    public static EmulatorError? StopSequencesError(IReadOnlyList<string>? stopSequences, string pointer)
    {
        for (var i = 0; i < (stopSequences?.Count ?? 0); i++)
        {
            if (string.IsNullOrEmpty(stopSequences![i]))
            {
                return RequestJson.Malformed($"{pointer}/{i}", "expected minLength: 1, actual: 0");
            }
        }

        return null;
    }

    /// <summary>The characters of stream delta <paramref name="index"/>.</summary>
    public ReadOnlySpan<char> Delta(int index) => Completion.Delta(Text, index);

    private static (int Cut, string? Stop) FirstStop(string text, IReadOnlyList<string>? stopSequences)
    {
        var (cut, stop) = (text.Length, (string?)null);
        foreach (var candidate in stopSequences ?? [])
        {
            var at = text.IndexOf(candidate, StringComparison.Ordinal);
            if (at >= 0 && at < cut)
            {
                (cut, stop) = (at, candidate);
            }
        }

        return (cut, stop);
    }
}
