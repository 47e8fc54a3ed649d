using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Anthropic;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Anthropic's stream events (written by the Anthropic door's <see cref="MessagesStreamResult"/>) as
/// InvokeModelWithResponseStream chunks: <c>message_stop</c> carries <c>amazon-bedrock-invocationMetrics</c>,
/// and a stream that fails ends on Bedrock's in-stream exception event, as Bedrock's own do.
/// </summary>
internal sealed class ClaudeChunkSink(InvokeChunkWriter chunks) : IMessagesEventSink
{
    public Task EventAsync<T>(string eventType, T payload, JsonTypeInfo<T> type, CancellationToken cancellation) =>
        chunks.ChunkAsync(payload, type, cancellation);

    public Task StopAsync(MessageUsage usage, CancellationToken cancellation) =>
        chunks.ChunkAsync(new ClaudeInvokeStopEvent { InvocationMetrics = chunks.Metrics(usage.InputTokens, usage.OutputTokens) }, InvokeJsonContext.Default.ClaudeInvokeStopEvent, cancellation);

    public Task ErrorAsync(RoutingException error, CancellationToken cancellation) => chunks.ExceptionAsync(BedrockError.From(error), cancellation);
}
