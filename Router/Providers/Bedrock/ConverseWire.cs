using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Router.Providers.Bedrock;

// The Converse / ConverseStream wire shapes from the Bedrock Runtime service model (rest-json),
// limited to the members the Router uses.

internal sealed class ConverseRequest
{
    public required List<ConverseMessage> Messages { get; init; }

    public List<SystemBlock>? System { get; init; }

    public InferenceConfiguration? InferenceConfig { get; init; }

    public ToolConfiguration? ToolConfig { get; init; }

    /// <summary>Model-specific parameters Converse has no field for (Anthropic's top_k).</summary>
    public Dictionary<string, JsonElement>? AdditionalModelRequestFields { get; init; }
}

internal sealed class ConverseMessage
{
    public required string Role { get; init; }

    public required List<ConverseContentBlock> Content { get; init; }
}

/// <summary>A union: text or a cache point.</summary>
internal sealed class SystemBlock
{
    public string? Text { get; init; }

    public CachePointBlock? CachePoint { get; init; }
}

/// <summary>Marks the prompt up to here for Bedrock's prompt caching.</summary>
internal sealed class CachePointBlock
{
    public string Type => "default";
}

internal sealed class ImageBlock
{
    /// <summary>png, jpeg, gif or webp.</summary>
    public required string Format { get; init; }

    public required ImageSourceBlock Source { get; init; }
}

internal sealed class ImageSourceBlock
{
    /// <summary>Base64 on the wire (a blob in the service model), as System.Text.Json writes byte arrays.</summary>
    public required byte[] Bytes { get; init; }
}

internal sealed class ConverseContentBlock
{
    public string? Text { get; init; }

    public ToolUseBlock? ToolUse { get; init; }

    public ToolResultBlock? ToolResult { get; init; }

    public ImageBlock? Image { get; init; }

    public CachePointBlock? CachePoint { get; init; }
}

internal sealed class ToolUseBlock
{
    public required string ToolUseId { get; init; }

    public required string Name { get; init; }

    public JsonElement Input { get; init; }
}

internal sealed class ToolResultBlock
{
    public required string ToolUseId { get; init; }

    public required List<ToolResultContent> Content { get; init; }

    public string? Status { get; init; }
}

internal sealed class ToolResultContent
{
    public string? Text { get; init; }

    public ImageBlock? Image { get; init; }
}

internal sealed class InferenceConfiguration
{
    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public List<string>? StopSequences { get; init; }
}

internal sealed class ToolConfiguration
{
    public required List<ToolDefinition> Tools { get; init; }

    public ToolChoice? ToolChoice { get; init; }
}

internal sealed class ToolDefinition
{
    public required ToolSpecification ToolSpec { get; init; }
}

internal sealed class ToolSpecification
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public required ToolInputSchema InputSchema { get; init; }
}

internal sealed class ToolInputSchema
{
    public JsonElement Json { get; init; }
}

/// <summary>A union: exactly one member is set.</summary>
internal sealed class ToolChoice
{
    public EmptyObject? Auto { get; init; }

    public EmptyObject? Any { get; init; }

    public SpecificToolChoice? Tool { get; init; }
}

internal sealed class EmptyObject;

internal sealed class SpecificToolChoice
{
    public required string Name { get; init; }
}

internal sealed class ConverseResponse
{
    public ConverseOutput? Output { get; init; }

    public string? StopReason { get; init; }

    public TokenUsage? Usage { get; init; }

    public ConverseMetrics? Metrics { get; init; }
}

internal sealed class ConverseMetrics
{
    public long LatencyMs { get; init; }
}

internal sealed class ConverseOutput
{
    public ConverseMessage? Message { get; init; }
}

internal sealed class TokenUsage
{
    public int InputTokens { get; init; }

    public int OutputTokens { get; init; }

    public int TotalTokens { get; init; }

    public int? CacheReadInputTokens { get; init; }

    public int? CacheWriteInputTokens { get; init; }
}

internal sealed class ContentBlockStartEvent
{
    public int ContentBlockIndex { get; init; }

    public ContentBlockStart? Start { get; init; }
}

internal sealed class ContentBlockStart
{
    public ToolUseStart? ToolUse { get; init; }
}

internal sealed class ToolUseStart
{
    public string ToolUseId { get; init; } = "";

    public string Name { get; init; } = "";
}

internal sealed class ContentBlockDeltaEvent
{
    public int ContentBlockIndex { get; init; }

    public ContentBlockDelta? Delta { get; init; }
}

internal sealed class ContentBlockDelta
{
    public string? Text { get; init; }

    public ToolUseDelta? ToolUse { get; init; }
}

internal sealed class ToolUseDelta
{
    public string? Input { get; init; }
}

internal sealed class ContentBlockStopEvent
{
    public int ContentBlockIndex { get; init; }
}

internal sealed class MessageStopEvent
{
    public string? StopReason { get; init; }
}

internal sealed class MessageStartEvent
{
    public required string Role { get; init; }
}

internal sealed class MetadataEvent
{
    public TokenUsage? Usage { get; init; }

    public ConverseMetrics? Metrics { get; init; }
}

/// <summary>Body of an error answer: AWS uses "message" or "Message".</summary>
internal sealed class AwsErrorBody
{
    public string? Message { get; init; }

    [JsonPropertyName("Message")]
    public string? MessageUpper { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ConverseRequest))]
[JsonSerializable(typeof(ConverseResponse))]
[JsonSerializable(typeof(MessageStartEvent))]
[JsonSerializable(typeof(ContentBlockStartEvent))]
[JsonSerializable(typeof(ContentBlockDeltaEvent))]
[JsonSerializable(typeof(ContentBlockStopEvent))]
[JsonSerializable(typeof(MessageStopEvent))]
[JsonSerializable(typeof(MetadataEvent))]
[JsonSerializable(typeof(AwsErrorBody))]
internal sealed partial class ConverseJsonContext : JsonSerializerContext;
