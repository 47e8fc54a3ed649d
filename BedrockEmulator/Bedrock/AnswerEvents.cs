using System.Buffers;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// The events of one streamed answer, in order: <see cref="Leading"/> events, one per text delta of
/// <see cref="Answer"/>, then <see cref="Trailing"/> events. Each operation has its own.
/// </summary>
internal abstract class AnswerEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer) : IDisposable
{
    public ModelAnswer Answer { get; } = answer;

    public BedrockStreamEvents Frames { get; } = new(output);

    public abstract int Leading { get; }

    public abstract int Trailing { get; }

    protected Invocation Invocation { get; } = invocation;

    public abstract void WriteLeading(int index);

    public abstract void WriteDelta(ReadOnlySpan<char> text);

    public abstract void WriteTrailing(int index);

    public virtual void Dispose() => Frames.Dispose();
}
