using System.Buffers;
using System.Text.Json;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>
/// InvokeModelWithResponseStream's events: each a <c>chunk</c> frame whose payload is
/// <c>{"bytes": base64 of one of the model's own stream events}</c>. Bedrock adds its invocation
/// metrics to the model's last event.
/// </summary>
internal abstract class InvokeChunkEvents : AnswerEvents
{
    private static readonly byte[] ChunkHeaders = BedrockStreamEvents.EventHeaders("chunk");

    private readonly ArrayBufferWriter<byte> _event = new(256);
    private long? _firstByteLatencyMs;

    protected InvokeChunkEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer)
        : base(output, invocation, answer)
    {
        Event = new Utf8JsonWriter(_event);
    }

    /// <summary>Where the model's event is written before <see cref="EmitChunk"/> sends it.</summary>
    protected Utf8JsonWriter Event { get; }

    public override void Dispose()
    {
        Event.Dispose();
        base.Dispose();
    }

    protected void EmitChunk()
    {
        _firstByteLatencyMs ??= Invocation.ElapsedMs;
        Event.Flush();
        var json = Frames.Json;
        json.WriteStartObject();
        json.WriteBase64String("bytes", _event.WrittenSpan);
        json.WriteEndObject();
        Frames.Emit(ChunkHeaders);
        _event.ResetWrittenCount();
        Event.Reset();
    }

    /// <summary>Writes <c>amazon-bedrock-invocationMetrics</c> into the current event (latencies in ms from the request's arrival).</summary>
    protected void WriteInvocationMetrics()
    {
        Event.WriteStartObject("amazon-bedrock-invocationMetrics");
        Event.WriteNumber("inputTokenCount", Invocation.InputTokens);
        Event.WriteNumber("outputTokenCount", Answer.OutputTokens);
        Event.WriteNumber("invocationLatency", Invocation.ElapsedMs);
        Event.WriteNumber("firstByteLatency", _firstByteLatencyMs ?? Invocation.ElapsedMs);
        Event.WriteEndObject();
    }
}
