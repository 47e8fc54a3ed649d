using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.BedrockEmulator.Bedrock;

// The parts of the Converse request and response shapes (bedrock-runtime service model) the
// emulator reads or writes; other members are accepted and ignored.

internal sealed class ConverseRequest
{
    public List<BedrockMessage>? Messages { get; set; }

    public List<BedrockContentBlock>? System { get; set; }

    public InferenceConfiguration? InferenceConfig { get; set; }

    public ToolConfiguration? ToolConfig { get; set; }
}

internal sealed class ToolConfiguration
{
    public List<BedrockTool>? Tools { get; set; }

    public ToolChoice? ToolChoice { get; set; }
}

internal sealed class BedrockTool
{
    public ToolSpecification? ToolSpec { get; set; }
}

internal sealed class ToolSpecification
{
    public string? Name { get; set; }

    public ToolInputSchema? InputSchema { get; set; }
}

internal sealed class ToolInputSchema
{
    public JsonElement? Json { get; set; }
}

/// <summary>A union: auto, any (some tool must be called) or tool (that one must be called).</summary>
internal sealed class ToolChoice
{
    public JsonElement? Auto { get; set; }

    public JsonElement? Any { get; set; }

    public SpecificToolChoice? Tool { get; set; }
}

internal sealed class SpecificToolChoice
{
    public string? Name { get; set; }
}

internal sealed class BedrockMessage
{
    public string? Role { get; set; }

    public List<BedrockContentBlock>? Content { get; set; }
}

internal sealed class BedrockContentBlock
{
    public string? Text { get; set; }

    public ToolResultBlock? ToolResult { get; set; }

    public ImageBlock? Image { get; set; }
}

internal sealed class ImageBlock
{
    public string? Format { get; set; }

    public ImageSource? Source { get; set; }
}

internal sealed class ImageSource
{
    /// <summary>Base64 on the wire; malformed base64 fails the read as a malformed request.</summary>
    public byte[]? Bytes { get; set; }
}

internal sealed class ToolResultBlock
{
    public List<BedrockContentBlock>? Content { get; set; }
}

internal sealed class InferenceConfiguration
{
    public int? MaxTokens { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public List<string?>? StopSequences { get; set; }
}

internal sealed record ConverseResponse(ConverseOutput Output, string StopReason, TokenUsage Usage, ConverseMetrics Metrics);

internal sealed record ConverseOutput(OutputMessage Message);

internal sealed record OutputMessage(string Role, OutputBlock[] Content);

/// <summary>A text block or a toolUse block.</summary>
internal sealed record OutputBlock(string? Text = null, OutputToolUse? ToolUse = null);

internal sealed record OutputToolUse(string ToolUseId, string Name, JsonElement Input);

internal sealed record TokenUsage(int InputTokens, int OutputTokens, int TotalTokens);

internal sealed record ConverseMetrics(long LatencyMs);

internal sealed record BedrockErrorBody(string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConverseRequest))]
[JsonSerializable(typeof(ConverseResponse))]
[JsonSerializable(typeof(BedrockErrorBody))]
internal sealed partial class BedrockJsonContext : JsonSerializerContext;
