using System.Buffers;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>
/// Anthropic's stream events as InvokeModelWithResponseStream chunks: message_start, content_block_start,
/// content_block_delta (text_delta)..., content_block_stop, message_delta, message_stop.
/// </summary>
internal sealed class ClaudeStreamEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer)
    : InvokeChunkEvents(output, invocation, answer)
{
    public override int Leading => 2;

    public override int Trailing => 3;

    public override void WriteLeading(int index)
    {
        var e = Event;
        e.WriteStartObject();
        if (index == 0)
        {
            e.WriteString("type", "message_start");
            e.WriteStartObject("message");
            e.WriteString("id", ClaudeMessagesFormat.MessageId(Invocation));
            e.WriteString("type", "message");
            e.WriteString("role", "assistant");
            e.WriteString("model", Invocation.Model!.Id);
            e.WriteStartArray("content");
            e.WriteEndArray();
            e.WriteNull("stop_reason");
            e.WriteNull("stop_sequence");
            e.WriteStartObject("usage");
            e.WriteNumber("input_tokens", Invocation.InputTokens);
            e.WriteNumber("output_tokens", 1); // Anthropic counts the first token here, before any text.
            e.WriteEndObject();
            e.WriteEndObject();
        }
        else
        {
            e.WriteString("type", "content_block_start");
            e.WriteNumber("index", 0);
            e.WriteStartObject("content_block");
            e.WriteString("type", "text");
            e.WriteString("text", "");
            e.WriteEndObject();
        }

        e.WriteEndObject();
        EmitChunk();
    }

    public override void WriteDelta(ReadOnlySpan<char> text)
    {
        var e = Event;
        e.WriteStartObject();
        e.WriteString("type", "content_block_delta");
        e.WriteNumber("index", 0);
        e.WriteStartObject("delta");
        e.WriteString("type", "text_delta");
        e.WriteString("text", text);
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
            e.WriteString("type", "content_block_stop");
            e.WriteNumber("index", 0);
        }
        else if (index == 1)
        {
            e.WriteString("type", "message_delta");
            e.WriteStartObject("delta");
            e.WriteString("stop_reason", Answer.StopReason);
            e.WriteString("stop_sequence", Answer.StopSequence);
            e.WriteEndObject();
            e.WriteStartObject("usage");
            e.WriteNumber("output_tokens", Answer.OutputTokens);
            e.WriteEndObject();
        }
        else
        {
            e.WriteString("type", "message_stop");
            WriteInvocationMetrics();
        }

        e.WriteEndObject();
        EmitChunk();
    }
}
