using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchyard.BedrockEmulator.Wire;

/// <summary>
/// Writes <c>application/vnd.amazon.eventstream</c> frames: total length, headers length, prelude
/// CRC, headers, payload, message CRC (big-endian). Header blocks are encoded once and reused.
/// </summary>
internal static class EventStreamEncoder
{
    private const byte StringHeaderType = 7;
    private const int PreludeLength = 12;

    /// <summary>Encodes string-valued headers (name length u8, name, type 7, value length u16, value).</summary>
    public static byte[] EncodeHeaders(params ReadOnlySpan<(string Name, string Value)> headers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            var span = buffer.GetSpan(1 + nameBytes.Length + 3 + valueBytes.Length);
            span[0] = (byte)nameBytes.Length;
            nameBytes.CopyTo(span[1..]);
            span[1 + nameBytes.Length] = StringHeaderType;
            BinaryPrimitives.WriteUInt16BigEndian(span[(2 + nameBytes.Length)..], (ushort)valueBytes.Length);
            valueBytes.CopyTo(span[(4 + nameBytes.Length)..]);
            buffer.Advance(4 + nameBytes.Length + valueBytes.Length);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static int FrameLength(int headersLength, int payloadLength) => PreludeLength + headersLength + payloadLength + 4;

    /// <summary>Writes one whole frame to <paramref name="output"/>.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> headers, ReadOnlySpan<byte> payload)
    {
        var total = FrameLength(headers.Length, payload.Length);
        var frame = output.GetSpan(total)[..total];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(frame[4..], (uint)headers.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame[8..], Crc32.Compute(frame[..8]));
        headers.CopyTo(frame[PreludeLength..]);
        payload.CopyTo(frame[(PreludeLength + headers.Length)..]);
        BinaryPrimitives.WriteUInt32BigEndian(frame[(total - 4)..], Crc32.Compute(frame[..(total - 4)]));
        output.Advance(total);
    }
}
