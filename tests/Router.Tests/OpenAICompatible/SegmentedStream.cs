namespace Switchyard.Router.Tests.OpenAICompatible;

/// <summary>A response body that arrives in the given pieces, one read at a most a piece, recording the size of every read asked for.</summary>
internal sealed class SegmentedStream(IEnumerable<byte[]> pieces, Exception? failAtEnd = null) : Stream
{
    private readonly Queue<byte[]> _pieces = new(pieces);
    private byte[] _current = [];
    private int _offset;

    public List<int> ReadSizes { get; } = [];

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static SegmentedStream Split(byte[] bytes, IEnumerable<int> cuts, Exception? failAtEnd = null)
    {
        var points = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length).ToList();
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var point in points)
        {
            pieces.Add(bytes[start..point]);
            start = point;
        }

        return new SegmentedStream(pieces, failAtEnd);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ReadSizes.Add(buffer.Length);
        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0);
        }

        while (_offset == _current.Length)
        {
            if (!_pieces.TryDequeue(out var next))
            {
                return failAtEnd is null ? ValueTask.FromResult(0) : ValueTask.FromException<int>(failAtEnd);
            }

            (_current, _offset) = (next, 0);
        }

        var count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        return ValueTask.FromResult(count);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
