using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;

namespace Switchyard.Router.OpenAI;

/// <summary>Maps Microsoft.Extensions.AI answers back onto the OpenAI wire shapes.</summary>
public static class ChatResponseMapper
{
    // Tool-call arguments travel as a compact JSON string.
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <param name="created">When the answer was made, from the Router's <see cref="TimeProvider"/>.</param>
    public static ChatCompletionResponse ToCompletion(string id, string model, DateTimeOffset created, ChatResponse response)
    {
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(ToToolCall).ToList();
        return new ChatCompletionResponse
        {
            Id = id,
            Created = created.ToUnixTimeSeconds(),
            Model = model,
            Choices =
            [
                new ChatCompletionChoice
                {
                    Message = new ResponseMessage { Content = response.Text is { Length: > 0 } text ? text : null, ToolCalls = calls.Count > 0 ? calls : null },
                    FinishReason = FinishReason(response.FinishReason) ?? "stop",
                },
            ],
            Usage = ToUsage(response.Usage),
        };
    }

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

    public static ToolCall ToToolCall(FunctionCallContent call) => new()
    {
        Id = call.CallId,
        Type = "function",
        Function = new FunctionCall { Name = call.Name, Arguments = SerializeArguments(call) },
    };

    public static string SerializeArguments(FunctionCallContent call) =>
        JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), CompactJson);
}
