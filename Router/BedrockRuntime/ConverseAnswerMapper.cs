using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers.Bedrock;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>Maps the core's Microsoft.Extensions.AI answers back onto Converse's wire shapes.</summary>
internal static class ConverseAnswerMapper
{
    public static ConverseResponse ToResponse(ChatResponse response, long latencyMs)
    {
        var blocks = response.Messages.SelectMany(m => m.Contents).Select(ToBlock).OfType<ConverseContentBlock>().ToList();
        return new ConverseResponse
        {
            Output = new ConverseOutput { Message = new ConverseMessage { Role = "assistant", Content = blocks } },
            StopReason = StopReason(response.FinishReason),
            Usage = ToUsage(response.Usage) ?? new TokenUsage(),
            Metrics = new ConverseMetrics { LatencyMs = latencyMs },
        };
    }

    public static ConverseContentBlock? ToBlock(AIContent content) => content switch
    {
        TextContent { Text.Length: > 0 } text => new ConverseContentBlock { Text = text.Text },
        FunctionCallContent call => new ConverseContentBlock
        {
            ToolUse = new ToolUseBlock { ToolUseId = call.CallId, Name = call.Name, Input = Arguments(call) },
        },
        _ => null,
    };

    public static JsonElement Arguments(FunctionCallContent call) =>
        JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);

    /// <summary>The inverse of <see cref="ConverseRequestMapper.MapStopReason"/>; a reason of another provider passes through as it came.</summary>
    public static string StopReason(ChatFinishReason? reason) => reason switch
    {
        null => "end_turn",
        var r when r == ChatFinishReason.Stop => "end_turn",
        var r when r == ChatFinishReason.Length => "max_tokens",
        var r when r == ChatFinishReason.ToolCalls => "tool_use",
        var r when r == ChatFinishReason.ContentFilter => "content_filtered",
        var r => r.Value.Value,
    };

    public static TokenUsage? ToUsage(UsageDetails? usage) => usage is null ? null : new TokenUsage
    {
        InputTokens = (int)Math.Min(int.MaxValue, usage.InputTokenCount ?? 0),
        OutputTokens = (int)Math.Min(int.MaxValue, usage.OutputTokenCount ?? 0),
        TotalTokens = (int)Math.Min(int.MaxValue, usage.TotalTokenCount ?? checked((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0))),
    };
}
