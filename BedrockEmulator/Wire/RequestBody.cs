using System.Buffers;
using System.IO.Pipelines;

namespace Switchyard.BedrockEmulator.Wire;

/// <summary>A request body read whole into a pooled buffer (SigV4 hashes it, then it is parsed).</summary>
internal readonly struct RequestBody : IDisposable
{
    /// <summary>Largest body accepted; more is cut off and fails JSON parsing as malformed.</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    private readonly byte[] _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public static async Task<RequestBody> ReadAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (result.IsCompleted || buffer.Length >= MaxBytes)
            {
                var length = (int)Math.Min(buffer.Length, MaxBytes);
                var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                buffer.Slice(0, length).CopyTo(rented);
                reader.AdvanceTo(buffer.End);
                return new RequestBody(rented, length);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
