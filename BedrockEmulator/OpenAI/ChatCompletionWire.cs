using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.BedrockEmulator.OpenAI;

// The parts of the OpenAI chat completions shapes the emulator reads or writes (snake_case).

internal sealed class ChatCompletionRequest
{
    public string? Model { get; set; }

    public List<ChatMessage>? Messages { get; set; }

    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public bool Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public double? Temperature { get; set; }
}

internal sealed class ChatMessage
{
    public string? Role { get; set; }

    /// <summary>A string or an array of content parts.</summary>
    public JsonElement Content { get; set; }
}

internal sealed class StreamOptions
{
    public bool IncludeUsage { get; set; }
}

internal sealed record ChatCompletion(string Id, string Object, long Created, string Model, ChatChoice[] Choices, ChatUsage Usage);

internal sealed record ChatChoice(int Index, ChatResponseMessage Message, string FinishReason);

internal sealed record ChatResponseMessage(string Role, string Content);

internal sealed record ChatUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

internal sealed record OpenAIErrorBody(OpenAIError Error);

internal sealed record OpenAIError(string Message, string Type, string? Code);

internal sealed record ModelList(string Object, ModelEntry[] Data);

internal sealed record ModelEntry(string Id, string Object, long Created, string OwnedBy);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(OpenAIErrorBody))]
[JsonSerializable(typeof(ModelList))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
