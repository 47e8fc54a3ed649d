using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchyard.Router.Http;

/// <summary>
/// Writes Server-Sent Events to a response body, each event (its lines, the JSON payload and the blank line)
/// assembled in one buffer and sent with one write. Kestrel's response stream flushes on every write, so
/// writing an event in pieces sent each piece in its own socket send, three or four per event of every stream.
/// One writer per response: the buffer and the JSON writer are reused from event to event.
/// </summary>
public sealed class ServerSentEventWriter(Stream body)
{
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private Utf8JsonWriter? _json;

    /// <summary>Sends <paramref name="head"/> (as <c>data: </c>, or <c>event: x\ndata: </c>), the payload's JSON and the event's end.</summary>
    public async Task WriteAsync<T>(ReadOnlyMemory<byte> head, T payload, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(head.Span);
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_buffer);
        }
        else
        {
            _json.Reset(_buffer);
        }

        JsonSerializer.Serialize(_json, payload, type);
        _json.Flush();
        _buffer.Write(EventEnd);
        await body.WriteAsync(_buffer.WrittenMemory, cancellation);
        await body.FlushAsync(cancellation);
    }

    /// <summary>Sends bytes that are a whole event already (as <c>data: [DONE]\n\n</c>).</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> whole, CancellationToken cancellation)
    {
        await body.WriteAsync(whole, cancellation);
        await body.FlushAsync(cancellation);
    }
}
