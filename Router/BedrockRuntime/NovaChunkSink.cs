using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Providers.Bedrock;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Converse's stream events (written by <see cref="ConverseStreamResult"/>) as Nova's InvokeModelWithResponseStream
/// chunks: each event is an object named by its type (<c>{"contentBlockDelta":{…}}</c>), and the last,
/// <c>metadata</c>, carries <c>amazon-bedrock-invocationMetrics</c> as Bedrock's does.
/// </summary>
internal sealed class NovaChunkSink(InvokeChunkWriter chunks) : IConverseEventSink
{
    public Task EventAsync<T>(string eventType, T payload, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName(eventType);
            JsonSerializer.Serialize(json, payload, type);
            if (payload is MetadataEvent { Usage: var usage })
            {
                json.WritePropertyName(InvocationMetricsMember.Name);
                JsonSerializer.Serialize(json, chunks.Metrics(usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0), InvokeJsonContext.Default.InvocationMetrics);
            }

            json.WriteEndObject();
        }

        return chunks.ChunkAsync(buffer.WrittenSpan.ToArray(), cancellation);
    }

    public Task ExceptionAsync(BedrockError error, CancellationToken cancellation) => chunks.ExceptionAsync(error, cancellation);
}
