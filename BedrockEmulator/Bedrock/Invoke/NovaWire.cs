using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

// Nova's InvokeModel body (schema messages-v1): Converse's messages and system blocks, its own
// inferenceConfig; its answer is shaped like Converse's, without metrics.

internal sealed class NovaRequest
{
    public string? SchemaVersion { get; set; }

    public List<BedrockMessage>? Messages { get; set; }

    public List<BedrockContentBlock>? System { get; set; }

    public NovaInferenceConfig? InferenceConfig { get; set; }
}

internal sealed class NovaInferenceConfig
{
    public int? MaxTokens { get; set; }

    /// <summary>The older name of <see cref="MaxTokens"/>, still accepted.</summary>
    [JsonPropertyName("max_new_tokens")]
    public int? MaxNewTokens { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public int? TopK { get; set; }

    public List<string>? StopSequences { get; set; }
}

internal sealed record NovaResponse(ConverseOutput Output, string StopReason, TokenUsage Usage);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NovaRequest))]
[JsonSerializable(typeof(NovaResponse))]
internal sealed partial class NovaJsonContext : JsonSerializerContext;
