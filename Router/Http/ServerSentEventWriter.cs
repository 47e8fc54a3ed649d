using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Http;

/// <summary>
/// Writes Server-Sent Events to a response body, each event (its lines, the JSON payload and the blank line)
/// assembled in one buffer and sent with one write. Kestrel's response stream flushes on every write, so
/// writing an event in pieces sent each piece in its own socket send, three or four per event of every stream.
/// One writer per response: its JSON writer is reused from event to event; each event's buffer is rented and
/// returned once sent, so a stream waiting for its next event holds none.
/// </summary>
public sealed class ServerSentEventWriter(Stream body)
{
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    private Utf8JsonWriter? _json;

    /// <summary>Sends <paramref name="head"/> (as <c>data: </c>, or <c>event: x\ndata: </c>), the payload's JSON and the event's end.</summary>
    public async Task WriteAsync<T>(ReadOnlyMemory<byte> head, T payload, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        using var buffer = new PooledBufferWriter(512);
        buffer.Write(head.Span);
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
        await body.WriteAsync(buffer.WrittenMemory, cancellation);
        await body.FlushAsync(cancellation);
    }

    /// <summary>Sends bytes that are a whole event already (as <c>data: [DONE]\n\n</c>).</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> whole, CancellationToken cancellation)
    {
        await body.WriteAsync(whole, cancellation);
        await body.FlushAsync(cancellation);
    }
}
