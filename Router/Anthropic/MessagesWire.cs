using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Router.Anthropic;

// The Anthropic Messages API wire shapes (anthropic-version 2023-06-01) the front door reads and writes.
// Polymorphic members (content, system, tool_choice) stay JsonElement so the mapper can name the element at fault.

public sealed class MessagesRequest
{
    /// <summary>Settable: the Bedrock door's InvokeModel takes the model from its URL, not the body.</summary>
    public string? Model { get; set; }

    /// <summary>Elements may be null on the wire: the mapper refuses them naming the element.</summary>
    public List<MessageParam?>? Messages { get; init; }

    /// <summary>A string or an array of text blocks.</summary>
    public JsonElement? System { get; init; }

    public int? MaxTokens { get; init; }

    public List<string?>? StopSequences { get; init; }

    public bool? Stream { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public List<ToolParam?>? Tools { get; init; }

    /// <summary>{"type":"auto"|"any"|"none"} or {"type":"tool","name":...}.</summary>
    public JsonElement? ToolChoice { get; init; }

    /// <summary>{"user_id": ...}: checked, not forwarded (Converse has no end-user field).</summary>
    public JsonElement? Metadata { get; init; }
}

public sealed class MessageParam
{
    public string? Role { get; init; }

    /// <summary>A string or an array of content blocks.</summary>
    public JsonElement? Content { get; init; }
}

/// <summary>Any content block a request may carry; which members apply depends on <see cref="Type"/>.</summary>
public sealed class ContentBlockParam
{
    public string? Type { get; init; }

    public string? Text { get; init; }

    public ImageSource? Source { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public JsonElement? Input { get; init; }

    public string? ToolUseId { get; init; }

    /// <summary>A tool result's content: a string or an array of text and image blocks.</summary>
    public JsonElement? Content { get; init; }

    public bool? IsError { get; init; }

    public JsonElement? CacheControl { get; init; }
}

public sealed class ImageSource
{
    public string? Type { get; init; }

    public string? MediaType { get; init; }

    public string? Data { get; init; }
}

public sealed class ToolParam
{
    /// <summary>Absent or "custom" for a client tool; Anthropic's server tools carry a versioned type the Router cannot run.</summary>
    public string? Type { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public JsonElement? InputSchema { get; init; }

    public JsonElement? CacheControl { get; init; }
}

public sealed class MessageResponse
{
    public required string Id { get; init; }

    public string Type => "message";

    public string Role => "assistant";

    public required string Model { get; init; }

    public required List<ResponseContentBlock> Content { get; init; }

    /// <summary>Null only in a stream's message_start.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopSequence { get; init; }

    public required MessageUsage Usage { get; init; }
}

public sealed class ResponseContentBlock
{
    public required string Type { get; init; }

    public string? Text { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public JsonElement? Input { get; init; }
}

public sealed class MessageUsage
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public long InputTokens { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public long OutputTokens { get; init; }

    public long? CacheCreationInputTokens { get; init; }

    public long? CacheReadInputTokens { get; init; }
}

public sealed class CountTokensResponse
{
    public long InputTokens { get; init; }
}

public sealed class AnthropicErrorResponse
{
    public string Type => "error";

    public required AnthropicError Error { get; init; }
}

public sealed class AnthropicError
{
    public required string Type { get; init; }

    public required string Message { get; init; }
}

// Stream events: each is written as "event: <type>" with itself as the data.

public sealed class MessageStartEvent
{
    public string Type => "message_start";

    public required MessageResponse Message { get; init; }
}

public sealed class PingEvent
{
    public string Type => "ping";
}

public sealed class ContentBlockStartEvent
{
    public string Type => "content_block_start";

    public int Index { get; init; }

    public required ResponseContentBlock ContentBlock { get; init; }
}

public sealed class ContentBlockDeltaEvent
{
    public string Type => "content_block_delta";

    public int Index { get; init; }

    public required BlockDelta Delta { get; init; }
}

public sealed class BlockDelta
{
    /// <summary>"text_delta" or "input_json_delta".</summary>
    public required string Type { get; init; }

    public string? Text { get; init; }

    public string? PartialJson { get; init; }
}

public sealed class ContentBlockStopEvent
{
    public string Type => "content_block_stop";

    public int Index { get; init; }
}

public sealed class MessageDeltaEvent
{
    public string Type => "message_delta";

    public required MessageDelta Delta { get; init; }

    public required MessageUsage Usage { get; init; }
}

public sealed class MessageDelta
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopSequence { get; init; }
}

public sealed class MessageStopEvent
{
    public string Type => "message_stop";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessagesRequest))]
[JsonSerializable(typeof(ContentBlockParam))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(CountTokensResponse))]
[JsonSerializable(typeof(AnthropicErrorResponse))]
[JsonSerializable(typeof(MessageStartEvent))]
[JsonSerializable(typeof(PingEvent))]
[JsonSerializable(typeof(ContentBlockStartEvent))]
[JsonSerializable(typeof(ContentBlockDeltaEvent))]
[JsonSerializable(typeof(ContentBlockStopEvent))]
[JsonSerializable(typeof(MessageDeltaEvent))]
[JsonSerializable(typeof(MessageStopEvent))]
public sealed partial class AnthropicJsonContext : JsonSerializerContext;
