using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Wire;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>The ConverseStream events as event-stream frames, their header blocks encoded once.</summary>
internal sealed class BedrockStreamEvents : IDisposable
{
    private static readonly byte[] MessageStartHeaders = EventHeaders("messageStart");
    private static readonly byte[] ContentBlockDeltaHeaders = EventHeaders("contentBlockDelta");
    private static readonly byte[] ContentBlockStopHeaders = EventHeaders("contentBlockStop");
    private static readonly byte[] MessageStopHeaders = EventHeaders("messageStop");
    private static readonly byte[] MetadataHeaders = EventHeaders("metadata");
    private static readonly ConcurrentDictionary<ErrorKind, byte[]> ExceptionHeaders = new();

    private readonly IBufferWriter<byte> _output;
    private readonly ArrayBufferWriter<byte> _payload = new(256);
    private readonly Utf8JsonWriter _json;

    public BedrockStreamEvents(IBufferWriter<byte> output)
    {
        _output = output;
        _json = new Utf8JsonWriter(_payload);
    }

    public void MessageStart()
    {
        _json.WriteStartObject();
        _json.WriteString("role", "assistant");
        _json.WriteEndObject();
        Emit(MessageStartHeaders);
    }

    public void ContentBlockDelta(ReadOnlySpan<char> text)
    {
        _json.WriteStartObject();
        _json.WriteNumber("contentBlockIndex", 0);
        _json.WriteStartObject("delta");
        _json.WriteString("text", text);
        _json.WriteEndObject();
        _json.WriteEndObject();
        Emit(ContentBlockDeltaHeaders);
    }

    public void ContentBlockStop()
    {
        _json.WriteStartObject();
        _json.WriteNumber("contentBlockIndex", 0);
        _json.WriteEndObject();
        Emit(ContentBlockStopHeaders);
    }

    public void MessageStop(string stopReason)
    {
        _json.WriteStartObject();
        _json.WriteString("stopReason", stopReason);
        _json.WriteEndObject();
        Emit(MessageStopHeaders);
    }

    public void Metadata(int inputTokens, int outputTokens, long latencyMs)
    {
        _json.WriteStartObject();
        _json.WriteStartObject("usage");
        _json.WriteNumber("inputTokens", inputTokens);
        _json.WriteNumber("outputTokens", outputTokens);
        _json.WriteNumber("totalTokens", inputTokens + outputTokens);
        _json.WriteEndObject();
        _json.WriteStartObject("metrics");
        _json.WriteNumber("latencyMs", latencyMs);
        _json.WriteEndObject();
        _json.WriteEndObject();
        Emit(MetadataHeaders);
    }

    /// <summary>An in-stream exception frame (<c>:message-type</c> exception).</summary>
    public void Exception(ErrorKind kind, string message)
    {
        _json.WriteStartObject();
        _json.WriteString("message", message);
        _json.WriteEndObject();
        Emit(ExceptionHeaders.GetOrAdd(kind, static k => EventStreamEncoder.EncodeHeaders(
            (":exception-type", k.StreamExceptionType()), (":content-type", "application/json"), (":message-type", "exception"))));
    }

    public void Dispose() => _json.Dispose();

    private static byte[] EventHeaders(string eventType) => EventStreamEncoder.EncodeHeaders(
        (":event-type", eventType), (":content-type", "application/json"), (":message-type", "event"));

    private void Emit(byte[] headers)
    {
        _json.Flush();
        EventStreamEncoder.WriteFrame(_output, headers, _payload.WrittenSpan);
        _payload.ResetWrittenCount();
        _json.Reset();
    }
}
