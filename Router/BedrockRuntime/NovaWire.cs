using System.Text.Json.Serialization;
using Switchyard.Router.Providers.Bedrock;

namespace Switchyard.Router.BedrockRuntime;

// Amazon Nova's InvokeModel body (schemaVersion messages-v1): Converse's messages, system blocks and tool
// configuration with its own inferenceConfig; its answer is Converse's without metrics.

internal sealed class NovaRequest
{
    public string? SchemaVersion { get; init; }

    public List<ConverseMessage>? Messages { get; init; }

    public List<SystemBlock>? System { get; init; }

    public NovaInferenceConfig? InferenceConfig { get; init; }

    public ToolConfiguration? ToolConfig { get; init; }
}

internal sealed class NovaInferenceConfig
{
    public int? MaxTokens { get; init; }

    /// <summary>The older name of <see cref="MaxTokens"/>, still accepted by Bedrock.</summary>
    [JsonPropertyName("max_new_tokens")]
    public int? MaxNewTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public List<string>? StopSequences { get; init; }
}

internal sealed class NovaResponse
{
    public required ConverseOutput Output { get; init; }

    public required string StopReason { get; init; }

    public required TokenUsage Usage { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NovaRequest))]
[JsonSerializable(typeof(NovaResponse))]
internal sealed partial class NovaJsonContext : JsonSerializerContext;
