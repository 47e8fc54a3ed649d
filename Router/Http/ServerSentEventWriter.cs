using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Http;

/// <summary>
/// Writes Server-Sent Events to a response's <see cref="PipeWriter"/>, each event (its lines, the JSON payload and
/// the blank line) assembled in one rented buffer first, so an event that fails to serialize leaves nothing half
/// written. <see cref="Append"/> only buffers; <see cref="FlushAsync"/> sends what is buffered in one socket send:
/// a stream that appends the updates already at hand and flushes before it waits for the next one sends a burst of
/// upstream events (as one TCP segment of an upstream often carries) in one send instead of one each, and never
/// holds an event while the upstream is quiet. One writer per response: its JSON writer is reused from event to event.
/// </summary>
public sealed class ServerSentEventWriter(PipeWriter body)
{
    /// <summary>Buffered bytes past which a stream should flush even while more events are at hand.</summary>
    public const int MaxUnflushedBytes = 16 * 1024;

    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    private Utf8JsonWriter? _json;

    /// <summary>Bytes appended since the last flush.</summary>
    public int Unflushed { get; private set; }

    /// <summary>Buffers <paramref name="head"/> (as <c>data: </c>, or <c>event: x\ndata: </c>), the payload's JSON and the event's end.</summary>
    public void Append<T>(ReadOnlySpan<byte> head, T payload, JsonTypeInfo<T> type)
    {
        using var buffer = new PooledBufferWriter(512);
        buffer.Write(head);
        if (_json is null)
        {
            _json = new Utf8JsonWriter(buffer);
        }
        else
        {
            _json.Reset(buffer);
        }

        JsonSerializer.Serialize(_json, payload, type);
        _json.Flush();
        buffer.Write(EventEnd);
        AppendRaw(buffer.WrittenSpan);
    }

    /// <summary>Buffers bytes that are a whole event already (as <c>data: [DONE]\n\n</c>).</summary>
    public void AppendRaw(ReadOnlySpan<byte> whole)
    {
        body.Write(whole);
        Unflushed = checked(Unflushed + whole.Length);
    }

    /// <summary>Sends what is buffered.</summary>
    public async Task FlushAsync(CancellationToken cancellation)
    {
        Unflushed = 0;
        await body.FlushAsync(cancellation);
    }

    /// <summary>Buffers one event and sends it with whatever was buffered before.</summary>
    public Task WriteAsync<T>(ReadOnlyMemory<byte> head, T payload, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        Append(head.Span, payload, type);
        return FlushAsync(cancellation);
    }

    /// <summary>Buffers a whole event and sends it with whatever was buffered before.</summary>
    public Task WriteRawAsync(ReadOnlyMemory<byte> whole, CancellationToken cancellation)
    {
        AppendRaw(whole.Span);
        return FlushAsync(cancellation);
    }
}
