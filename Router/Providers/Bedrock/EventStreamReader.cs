using System.Buffers;
using System.Buffers.Binary;
using Amazon.Runtime.EventStreams;

namespace Switchyard.Router.Providers.Bedrock;

/// <summary>
/// Reads application/vnd.amazon.eventstream frames off a response body, one at a time, as they arrive
/// (no buffering of the whole answer). CRCs are checked by <see cref="EventStreamMessage.FromBuffer"/>.
/// </summary>
internal sealed class EventStreamReader(Stream body) : IDisposable
{
    private const int PreludeLength = 12;
    private const int MaxFrameLength = 16 * 1024 * 1024;

    // Frames are a few hundred bytes; a larger one grows the buffer. Small matters: thousands of streams hold one each.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);

    /// <summary>The next frame, or null at a clean end of stream.</summary>
    public async ValueTask<EventStreamMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(0, PreludeLength, allowEnd: true, cancellationToken))
        {
            return null;
        }

        var totalLength = BinaryPrimitives.ReadInt32BigEndian(_buffer);
        if (totalLength is < 16 or > MaxFrameLength)
        {
            throw new InvalidDataException($"Event-stream frame length {totalLength} is out of range.");
        }

        if (_buffer.Length < totalLength)
        {
            var larger = ArrayPool<byte>.Shared.Rent(totalLength);
            _buffer.AsSpan(0, PreludeLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        await FillAsync(PreludeLength, totalLength - PreludeLength, allowEnd: false, cancellationToken);
        return EventStreamMessage.FromBuffer(_buffer, 0, totalLength);
    }

    private async ValueTask<bool> FillAsync(int offset, int count, bool allowEnd, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < count)
        {
            var n = await body.ReadAsync(_buffer.AsMemory(offset + read, count - read), cancellationToken);
            if (n == 0)
            {
                if (allowEnd && read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("Event stream ended in the middle of a frame.");
            }

            read += n;
        }

        return true;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
