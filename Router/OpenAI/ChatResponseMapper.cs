using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;

namespace Switchyard.Router.OpenAI;

/// <summary>Maps Microsoft.Extensions.AI answers back onto the OpenAI wire shapes.</summary>
public static class ChatResponseMapper
{
    // Tool-call arguments travel as a compact JSON string.
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public static CompletionUsage? ToUsage(UsageDetails? usage) => usage is null ? null : new CompletionUsage
    {
        PromptTokens = usage.InputTokenCount ?? 0,
        CompletionTokens = usage.OutputTokenCount ?? 0,
        TotalTokens = usage.TotalTokenCount ?? (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0),
    };

    public static string? FinishReason(ChatFinishReason? reason) => reason switch
    {
        null => null,
        var r when r == ChatFinishReason.Stop || r == ProviderFinishReasons.StopSequence => "stop",
        var r when r == ChatFinishReason.Length => "length",
        var r when r == ChatFinishReason.ToolCalls => "tool_calls",
        var r when r == ChatFinishReason.ContentFilter => "content_filter",
        var r => r.Value.Value,
    };

    public static string SerializeArguments(FunctionCallContent call) =>
        JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), CompactJson);
}
