using System.Buffers;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// Reads the <c>data</c> of server-sent events off a response body as they arrive, however the bytes are
/// split. Lines end with LF (a CR before it is dropped); <c>data</c> lines of one event are joined with LF;
/// comments and other fields are skipped. Between events it holds no buffer: it waits for the next bytes
/// with a zero-byte read and rents one only when they are there, so an open stream idling between tokens
/// costs next to nothing.
/// </summary>
internal sealed class ServerSentEventReader(Stream body) : IDisposable
{
    /// <summary>Largest event taken: a chunk is a few hundred bytes; an endpoint sending endless bytes without a blank line is broken.</summary>
    public const int MaxEventBytes = 8 * 1024 * 1024;

    private const int ReadSize = 4096;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private bool _ended;
    private byte[]? _joined;

    /// <summary>
    /// The data of the next event (valid until the next call), or null at the end of the body. An event cut
    /// off by the end of the body is returned as it is: the caller finds whether its data is whole.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (NextEvent() is { } data)
            {
                return data;
            }

            if (_ended)
            {
                return null;
            }

            await FillAsync(cancellationToken);
        }
    }

    /// <summary>The next complete event's data in the buffer, if there is one with data.</summary>
    private ReadOnlyMemory<byte>? NextEvent()
    {
        while (_buffer is not null && _start < _end)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var eventLength = EventLength(pending, _scanned - _start);
            if (eventLength < 0)
            {
                if (!_ended)
                {
                    // Lines already scanned are not scanned again when more bytes come.
                    _scanned = _start + ~eventLength;
                    return null;
                }

                eventLength = pending.Length;
            }

            var eventStart = _start;
            _start += eventLength;
            _scanned = _start;
            if (Data(_buffer.AsMemory(eventStart, eventLength)) is { } data)
            {
                return data;
            }
        }

        return null;
    }

    /// <summary>
    /// Length of the first event in <paramref name="pending"/> up to and with its blank line; when no blank
    /// line is there yet, the complement of where the last complete line ends.
    /// </summary>
    private static int EventLength(ReadOnlySpan<byte> pending, int from)
    {
        var position = from;
        while (true)
        {
            var newline = pending[position..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return ~position;
            }

            var line = pending.Slice(position, newline);
            position += newline + 1;
            if (line.IsEmpty || line is [(byte)'\r'])
            {
                return position;
            }
        }
    }

    /// <summary>An event's data: one data line as it lies in the buffer, several joined; null when it has none.</summary>
    private ReadOnlyMemory<byte>? Data(ReadOnlyMemory<byte> eventBytes)
    {
        ReadOnlyMemory<byte>? first = null;
        var joinedLength = -1;
        var rest = eventBytes;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? default : rest[(newline + 1)..];
            if (line.Span is [.., (byte)'\r'])
            {
                line = line[..^1];
            }

            if (!line.Span.StartsWith("data"u8) || line.Length > 4 && line.Span[4] != (byte)':')
            {
                continue; // a comment, another field, or a blank line
            }

            var value = line.Length <= 5 ? ReadOnlyMemory<byte>.Empty : line[5..];
            if (value.Span is [(byte)' ', ..])
            {
                value = value[1..];
            }

            if (first is null)
            {
                first = value;
                continue;
            }

            // A second data line: rare, so the join is copied.
            if (joinedLength < 0)
            {
                Join(first.Value.Span, 0);
                joinedLength = first.Value.Length;
            }

            joinedLength = Join(value.Span, joinedLength);
        }

        return joinedLength < 0 ? first : _joined.AsMemory(0, joinedLength);
    }

    private int Join(ReadOnlySpan<byte> value, int at)
    {
        var separator = at == 0 ? 0 : 1;
        var needed = checked(at + separator + value.Length);
        if (_joined is null || _joined.Length < needed)
        {
            var larger = new byte[Math.Max(needed, (_joined?.Length ?? 0) * 2)];
            _joined?.AsSpan(0, at).CopyTo(larger);
            _joined = larger;
        }

        if (separator == 1)
        {
            _joined[at] = (byte)'\n';
        }

        value.CopyTo(_joined.AsSpan(at + separator));
        return needed;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            // Nothing pending: give the buffer back and wait for bytes without one.
            Release();
            _ = await body.ReadAsync(Memory<byte>.Empty, cancellationToken);
            _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        }
        else
        {
            MakeRoom();
        }

        var read = await body.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            _ended = true;
            return;
        }

        _end += read;
    }

    /// <summary>Moves a partial event to the front, or into a larger buffer when it fills most of this one.</summary>
    private void MakeRoom()
    {
        var pending = _end - _start;
        if (pending >= MaxEventBytes)
        {
            throw new InvalidDataException($"A server-sent event is larger than {MaxEventBytes} bytes.");
        }

        var target = _buffer!;
        if (pending > _buffer!.Length / 2)
        {
            target = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        }
        else if (_start == 0)
        {
            return;
        }

        _buffer.AsSpan(_start, pending).CopyTo(target);
        if (target != _buffer)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
        }

        _scanned -= _start;
        _start = 0;
        _end = pending;
    }

    private void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _start = _end = _scanned = 0;
    }

    public void Dispose() => Release();
}
