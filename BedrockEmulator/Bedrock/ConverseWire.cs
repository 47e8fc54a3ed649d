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
}

internal sealed record ConverseResponse(ConverseOutput Output, string StopReason, TokenUsage Usage, ConverseMetrics Metrics);

internal sealed record ConverseOutput(OutputMessage Message);

internal sealed record OutputMessage(string Role, OutputText[] Content);

internal sealed record OutputText(string Text);

internal sealed record TokenUsage(int InputTokens, int OutputTokens, int TotalTokens);

internal sealed record ConverseMetrics(long LatencyMs);

internal sealed record BedrockErrorBody(string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConverseRequest))]
[JsonSerializable(typeof(ConverseResponse))]
[JsonSerializable(typeof(BedrockErrorBody))]
internal sealed partial class BedrockJsonContext : JsonSerializerContext;
