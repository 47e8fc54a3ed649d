using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Writes a model family's stream events as InvokeModelWithResponseStream's <c>chunk</c> events
/// (<c>{"bytes": base64 of the event's JSON}</c>), and keeps the time of the first for the invocation metrics
/// Bedrock adds to the family's last event.
/// </summary>
internal sealed class InvokeChunkWriter
{
    /// <summary>The media type of the chunks' bytes, which Bedrock names in this header (the body is an event stream).</summary>
    public const string ChunkContentTypeHeader = "X-Amzn-Bedrock-Content-Type";

    private readonly EventStreamWriter _events;
    private readonly TimeProvider _clock;
    private readonly long _started;
    private long? _firstByteLatencyMs;

    public InvokeChunkWriter(HttpContext http, long started)
    {
        _events = EventStreamWriter.For(http);
        _clock = http.RequestServices.GetRequiredService<TimeProvider>();
        _started = started;
        http.Response.Headers[ChunkContentTypeHeader] = "application/json";
    }

    public Task ChunkAsync<T>(T familyEvent, JsonTypeInfo<T> type, CancellationToken cancellation) =>
        ChunkAsync(JsonSerializer.SerializeToUtf8Bytes(familyEvent, type), cancellation);

    /// <summary>Sends a family event already written as JSON.</summary>
    public Task ChunkAsync(byte[] familyEvent, CancellationToken cancellation)
    {
        _firstByteLatencyMs ??= ElapsedMs;
        return _events.EventAsync("chunk", new InvokeChunk { Bytes = familyEvent }, InvokeJsonContext.Default.InvokeChunk, cancellation);
    }

    public Task ExceptionAsync(BedrockError error, CancellationToken cancellation) => _events.ExceptionAsync(error, cancellation);

    public InvocationMetrics Metrics(long inputTokens, long outputTokens) => new()
    {
        InputTokenCount = inputTokens,
        OutputTokenCount = outputTokens,
        InvocationLatency = ElapsedMs,
        FirstByteLatency = _firstByteLatencyMs ?? ElapsedMs,
    };

    private long ElapsedMs => (long)_clock.GetElapsedTime(_started).TotalMilliseconds;
}
