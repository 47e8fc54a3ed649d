using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Routing;

/// <summary>
/// Token counts the Router charges when a provider's own usage never arrived (a stream cut before its
/// final usage event): about four characters a token, at least one per prompt message, the rule the
/// emulator counts by, so charges against it are exact and against real models close.
/// </summary>
public static class TokenEstimate
{
    public const int CharsPerToken = 4;

    // Tool-call arguments count as the compact JSON a client receives.
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>Tokens in <paramref name="chars"/> characters of generated text (none for none).</summary>
    public static long ForText(long chars) => chars <= 0 ? 0 : checked(chars + CharsPerToken - 1) / CharsPerToken;

    /// <summary>Tokens in a prompt: each message's text, at least one token a message.</summary>
    public static long ForPrompt(IEnumerable<ChatMessage> messages)
    {
        long tokens = 0;
        foreach (var message in messages)
        {
            tokens = checked(tokens + Math.Max(1, ForText(message.Text.Length)));
        }

        return tokens;
    }

    /// <summary>Characters of output an update carries: text, reasoning, and tool calls' names and arguments.</summary>
    public static long OutputChars(IList<AIContent> contents)
    {
        long chars = 0;
        // By index: on every update of every stream, an enumerator through the interface would be an allocation each.
        for (var i = 0; i < contents.Count; i++)
        {
            chars = checked(chars + contents[i] switch
            {
                TextContent text => text.Text.Length,
                TextReasoningContent reasoning => reasoning.Text.Length,
                FunctionCallContent call => call.Name.Length + JsonSerializer.Serialize(call.Arguments, CompactJson).Length,
                _ => 0,
            });
        }

        return chars;
    }
}
