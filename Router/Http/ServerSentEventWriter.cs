using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Http;

/// <summary>
/// Writes Server-Sent Events to a response's <see cref="PipeWriter"/>, each event (its lines, the JSON payload and
/// the blank line) assembled in one rented buffer first, so an event that fails to serialize leaves nothing half
/// written. <c>Append</c> only buffers; <see cref="FlushAsync"/> sends what is buffered in one socket send:
/// a stream that appends the updates already at hand and flushes before it waits for the next one sends a burst of
/// upstream events (as one TCP segment of an upstream often carries) in one send instead of one each, and never
/// holds an event while the upstream is quiet. One writer per response: its JSON writer and its event buffer are reused from event to event.
/// </summary>
public sealed class ServerSentEventWriter(PipeWriter body)
{
    /// <summary>Buffered bytes past which a stream should flush even while more events are at hand.</summary>
    public const int MaxUnflushedBytes = 16 * 1024;

    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    // One event at a time is assembled here; its array goes back to the pool after each event, so an open stream
    // that waits holds no buffer.
    private readonly PooledBufferWriter _event = new(512);
    private Utf8JsonWriter? _json;

    /// <summary>Bytes appended since the last flush.</summary>
    public int Unflushed { get; private set; }

    /// <summary>Buffers <paramref name="head"/> (as <c>data: </c>, or <c>event: x\ndata: </c>), the payload's JSON and the event's end.</summary>
    public void Append<T>(ReadOnlySpan<byte> head, T payload, JsonTypeInfo<T> type) =>
        Append(head, (payload, type), static (json, state) => JsonSerializer.Serialize(json, state.payload, state.type));

    /// <summary>Buffers <paramref name="head"/>, the JSON that <paramref name="write"/> makes of <paramref name="state"/> and the event's end.</summary>
    public void Append<TState>(ReadOnlySpan<byte> head, TState state, Action<Utf8JsonWriter, TState> write)
    {
        try
        {
            _event.Write(head);
            if (_json is null)
            {
                _json = new Utf8JsonWriter(_event);
            }
            else
            {
                _json.Reset(_event);
            }

            write(_json, state);
            _json.Flush();
            _event.Write(EventEnd);
            AppendRaw(_event.WrittenSpan);
        }
        finally
        {
            _event.Dispose();
        }
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
