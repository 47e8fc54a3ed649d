using System.Text.Json.Serialization;

namespace Switchyard.Router.BedrockRuntime;

// InvokeModelWithResponseStream's wire shapes around the model family's own events.

/// <summary>A <c>chunk</c> event's payload: the family's stream event, as JSON, base64-encoded.</summary>
internal sealed class InvokeChunk
{
    public required byte[] Bytes { get; init; }
}

/// <summary>What Bedrock adds to a family's last stream event: the invocation's token counts and latencies (ms).</summary>
internal sealed class InvocationMetrics
{
    public long InputTokenCount { get; init; }

    public long OutputTokenCount { get; init; }

    public long InvocationLatency { get; init; }

    public long FirstByteLatency { get; init; }
}

/// <summary>The member Bedrock adds to a family's last stream event.</summary>
internal static class InvocationMetricsMember
{
    public const string Name = "amazon-bedrock-invocationMetrics";
}

/// <summary>Claude's <c>message_stop</c> as Bedrock sends it, with the invocation metrics.</summary>
internal sealed class ClaudeInvokeStopEvent
{
    public string Type => "message_stop";

    [JsonPropertyName(InvocationMetricsMember.Name)]
    public required InvocationMetrics InvocationMetrics { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InvokeChunk))]
[JsonSerializable(typeof(ClaudeInvokeStopEvent))]
[JsonSerializable(typeof(InvocationMetrics))]
internal sealed partial class InvokeJsonContext : JsonSerializerContext;
