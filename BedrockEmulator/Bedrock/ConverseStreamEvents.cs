using System.Buffers;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>ConverseStream's events: messageStart, contentBlockDelta..., contentBlockStop, messageStop, metadata.</summary>
internal sealed class ConverseStreamEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer)
    : AnswerEvents(output, invocation, answer)
{
    private static readonly byte[] MessageStartHeaders = BedrockStreamEvents.EventHeaders("messageStart");
    private static readonly byte[] ContentBlockDeltaHeaders = BedrockStreamEvents.EventHeaders("contentBlockDelta");
    private static readonly byte[] ContentBlockStopHeaders = BedrockStreamEvents.EventHeaders("contentBlockStop");
    private static readonly byte[] MessageStopHeaders = BedrockStreamEvents.EventHeaders("messageStop");
    private static readonly byte[] MetadataHeaders = BedrockStreamEvents.EventHeaders("metadata");

    public override int Leading => 1;

    public override int Trailing => 3;

    public override void WriteLeading(int index)
    {
        var json = Frames.Json;
        json.WriteStartObject();
        json.WriteString("role", "assistant");
        json.WriteEndObject();
        Frames.Emit(MessageStartHeaders);
    }

    public override void WriteDelta(ReadOnlySpan<char> text)
    {
        var json = Frames.Json;
        json.WriteStartObject();
        json.WriteNumber("contentBlockIndex", 0);
        json.WriteStartObject("delta");
        json.WriteString("text", text);
        json.WriteEndObject();
        json.WriteEndObject();
        Frames.Emit(ContentBlockDeltaHeaders);
    }

    public override void WriteTrailing(int index)
    {
        var json = Frames.Json;
        json.WriteStartObject();
        byte[] headers;
        if (index == 0)
        {
            json.WriteNumber("contentBlockIndex", 0);
            headers = ContentBlockStopHeaders;
        }
        else if (index == 1)
        {
            json.WriteString("stopReason", Answer.StopReason);
            headers = MessageStopHeaders;
        }
        else
        {
            var (input, outputTokens) = (Invocation.InputTokens, Answer.OutputTokens);
            json.WriteStartObject("usage");
            json.WriteNumber("inputTokens", input);
            json.WriteNumber("outputTokens", outputTokens);
            json.WriteNumber("totalTokens", input + outputTokens);
            json.WriteEndObject();
            json.WriteStartObject("metrics");
            json.WriteNumber("latencyMs", Invocation.ElapsedMs);
            json.WriteEndObject();
            headers = MetadataHeaders;
        }

        json.WriteEndObject();
        Frames.Emit(headers);
    }
}
