using System.Buffers;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>
/// Nova's stream events as InvokeModelWithResponseStream chunks: messageStart, contentBlockDelta...,
/// contentBlockStop, messageStop, metadata (usage).
/// </summary>
internal sealed class NovaStreamEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer)
    : InvokeChunkEvents(output, invocation, answer)
{
    public override int Leading => 1;

    public override int Trailing => 3;

    public override void WriteLeading(int index)
    {
        var e = Event;
        e.WriteStartObject();
        e.WriteStartObject("messageStart");
        e.WriteString("role", "assistant");
        e.WriteEndObject();
        e.WriteEndObject();
        EmitChunk();
    }

    public override void WriteDelta(ReadOnlySpan<char> text)
    {
        var e = Event;
        e.WriteStartObject();
        e.WriteStartObject("contentBlockDelta");
        e.WriteStartObject("delta");
        e.WriteString("text", text);
        e.WriteEndObject();
        e.WriteNumber("contentBlockIndex", 0);
        e.WriteEndObject();
        e.WriteEndObject();
        EmitChunk();
    }

    public override void WriteTrailing(int index)
    {
        var e = Event;
        e.WriteStartObject();
        if (index == 0)
        {
            e.WriteStartObject("contentBlockStop");
            e.WriteNumber("contentBlockIndex", 0);
            e.WriteEndObject();
        }
        else if (index == 1)
        {
            e.WriteStartObject("messageStop");
            e.WriteString("stopReason", Answer.StopReason);
            e.WriteEndObject();
        }
        else
        {
            e.WriteStartObject("metadata");
            e.WriteStartObject("usage");
            e.WriteNumber("inputTokens", Invocation.InputTokens);
            e.WriteNumber("outputTokens", Answer.OutputTokens);
            e.WriteEndObject();
            e.WriteEndObject();
            WriteInvocationMetrics();
        }

        e.WriteEndObject();
        EmitChunk();
    }
}
