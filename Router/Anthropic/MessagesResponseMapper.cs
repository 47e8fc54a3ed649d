using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Anthropic;

/// <summary>Maps Microsoft.Extensions.AI answers back onto Anthropic's Messages shapes.</summary>
public static class MessagesResponseMapper
{
    // Tool input travels as compact JSON (a stream's input_json_delta carries its text as is).
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public static MessageResponse ToMessage(string id, string model, ChatResponse response, long estimatedInputTokens) => new()
    {
        Id = id,
        Model = model,
        Content = [.. response.Messages.SelectMany(m => m.Contents).Select(ToBlock).OfType<ResponseContentBlock>()],
        StopReason = StopReason(response.FinishReason) ?? "end_turn",
        Usage = ToUsage(response.Usage, estimatedInputTokens, 0),
    };

    /// <summary>A text or tool_use block; null for content Anthropic's clients would not expect back (empty text, reasoning).</summary>
    public static ResponseContentBlock? ToBlock(AIContent content) => content switch
    {
        TextContent { Text.Length: > 0 } text => new ResponseContentBlock { Type = "text", Text = text.Text },
        FunctionCallContent call => new ResponseContentBlock { Type = "tool_use", Id = call.CallId, Name = call.Name, Input = Arguments(call) },
        _ => null,
    };

    /// <summary>What the provider reported; where it reported nothing, the Router's estimate.</summary>
    public static MessageUsage ToUsage(UsageDetails? usage, long estimatedInputTokens, long estimatedOutputTokens) => new()
    {
        InputTokens = usage?.InputTokenCount ?? estimatedInputTokens,
        OutputTokens = usage?.OutputTokenCount ?? estimatedOutputTokens,
        CacheReadInputTokens = usage?.CachedInputTokenCount,
        CacheCreationInputTokens = usage?.AdditionalCounts?.TryGetValue(CachePointContent.CacheWriteInputTokens, out var written) == true ? written : null,
    };

    /// <summary>Anthropic's stop_reason; <c>stop_sequence</c> (<see cref="ProviderFinishReasons.StopSequence"/>) passes through as it came.</summary>
    public static string? StopReason(ChatFinishReason? reason) => reason switch
    {
        null => null,
        var r when r == ChatFinishReason.Stop => "end_turn",
        var r when r == ChatFinishReason.Length => "max_tokens",
        var r when r == ChatFinishReason.ToolCalls => "tool_use",
        var r when r == ChatFinishReason.ContentFilter => "refusal",
        var r => r.Value.Value,
    };

    public static JsonElement Arguments(FunctionCallContent call) =>
        JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), CompactJson);
}
