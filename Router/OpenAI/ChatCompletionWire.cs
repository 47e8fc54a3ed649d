using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Router.OpenAI;

// The OpenAI Chat Completions wire shapes the front door reads and writes.

public sealed class ChatCompletionRequest
{
    public string? Model { get; init; }

    /// <summary>Elements may be null on the wire: the mapper refuses them naming the element.</summary>
    public List<ChatCompletionMessage?>? Messages { get; init; }

    public int? MaxTokens { get; init; }

    public int? MaxCompletionTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    /// <summary>A string or an array of up to four strings.</summary>
    public JsonElement? Stop { get; init; }

    public List<ToolDefinition?>? Tools { get; init; }

    /// <summary>"none", "auto", "required" or {"type":"function","function":{"name":...}}.</summary>
    public JsonElement? ToolChoice { get; init; }

    public bool? Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }

    public int? N { get; init; }

    /// <summary>{"type":"text"}, {"type":"json_object"} or {"type":"json_schema","json_schema":{...}}.</summary>
    public JsonElement? ResponseFormat { get; init; }

    public long? Seed { get; init; }

    public float? FrequencyPenalty { get; init; }

    public float? PresencePenalty { get; init; }

    public bool? ParallelToolCalls { get; init; }

    /// <summary>Ignored by the Router (named back by <see cref="ChatParameterPolicy"/>), but typed: OpenAI refuses a user that is not a string.</summary>
    public string? User { get; init; }

    /// <summary>
    /// Members not listed above (null when there are none). The members above are the parameters
    /// <see cref="ChatParameterPolicy"/> honours, and <see cref="User"/>: only these and a user can give the policy something to do.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unlisted { get; set; }
}

public sealed class StreamOptions
{
    public bool? IncludeUsage { get; init; }
}

public sealed class ChatCompletionMessage
{
    public string? Role { get; init; }

    /// <summary>A string, an array of content parts, or null (assistant turns with tool calls).</summary>
    public JsonElement? Content { get; init; }

    public string? Name { get; init; }

    public List<ToolCall?>? ToolCalls { get; init; }

    public string? ToolCallId { get; init; }
}

public sealed class ToolCall
{
    public string? Id { get; init; }

    public string? Type { get; init; } = "function";

    public FunctionCall? Function { get; init; }
}

public sealed class FunctionCall
{
    public string? Name { get; init; }

    public string? Arguments { get; init; }
}

public sealed class ToolDefinition
{
    public string? Type { get; init; }

    public FunctionDefinition? Function { get; init; }
}

public sealed class FunctionDefinition
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public JsonElement? Parameters { get; init; }
}

public sealed class CompletionUsage
{
    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long TotalTokens { get; init; }
}

public sealed class ErrorResponse
{
    public required ErrorDetail Error { get; init; }
}

public sealed class ErrorDetail
{
    public required string Message { get; init; }

    public required string Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }
}

public sealed class ModelList
{
    public string Object => "list";

    public required List<ModelEntry> Data { get; init; }
}

public sealed class ModelEntry
{
    public required string Id { get; init; }

    public string Object => "model";

    public long Created { get; init; }

    public string OwnedBy => "switchyard";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ModelList))]
public sealed partial class OpenAIJsonContext : JsonSerializerContext;
