using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Wire;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// Event-stream frames with JSON payloads, as Bedrock's streaming operations send them: the payload is
/// written to <see cref="Json"/>, then <see cref="Emit"/> frames it with a header block encoded once.
/// </summary>
internal sealed class BedrockStreamEvents : IDisposable
{
    private static readonly ConcurrentDictionary<ErrorKind, byte[]> ExceptionHeaders = new();

    private readonly IBufferWriter<byte> _output;
    private readonly ArrayBufferWriter<byte> _payload = new(256);

    public BedrockStreamEvents(IBufferWriter<byte> output)
    {
        _output = output;
        Json = new Utf8JsonWriter(_payload);
    }

    /// <summary>Where the next frame's payload is written.</summary>
    public Utf8JsonWriter Json { get; }

    /// <summary>The header block of an event frame (<c>:message-type</c> event) of type <paramref name="eventType"/>.</summary>
    public static byte[] EventHeaders(string eventType) => EventStreamEncoder.EncodeHeaders(
        (":event-type", eventType), (":content-type", "application/json"), (":message-type", "event"));

    /// <summary>Frames the payload written so far with <paramref name="headers"/>.</summary>
    public void Emit(byte[] headers)
    {
        Json.Flush();
        EventStreamEncoder.WriteFrame(_output, headers, _payload.WrittenSpan);
        _payload.ResetWrittenCount();
        Json.Reset();
    }

    /// <summary>An in-stream exception frame (<c>:message-type</c> exception).</summary>
    public void Exception(ErrorKind kind, string message)
    {
        Json.WriteStartObject();
        Json.WriteString("message", message);
        Json.WriteEndObject();
        Emit(ExceptionHeaders.GetOrAdd(kind, static k => EventStreamEncoder.EncodeHeaders(
            (":exception-type", k.StreamExceptionType()), (":content-type", "application/json"), (":message-type", "exception"))));
    }

    public void Dispose() => Json.Dispose();
}
