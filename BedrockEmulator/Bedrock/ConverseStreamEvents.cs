using System.Buffers;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// ConverseStream's events: messageStart, contentBlockDelta..., contentBlockStop, messageStop, metadata; for a
/// forced tool (<paramref name="toolUse"/>) a contentBlockStart names the tool and the deltas carry its input.
/// </summary>
internal sealed class ConverseStreamEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer, (string Id, string Name)? toolUse = null)
    : AnswerEvents(output, invocation, answer)
{
    private static readonly byte[] ContentBlockStartHeaders = BedrockStreamEvents.EventHeaders("contentBlockStart");

    private static readonly byte[] MessageStartHeaders = BedrockStreamEvents.EventHeaders("messageStart");
    private static readonly byte[] ContentBlockDeltaHeaders = BedrockStreamEvents.EventHeaders("contentBlockDelta");
    private static readonly byte[] ContentBlockStopHeaders = BedrockStreamEvents.EventHeaders("contentBlockStop");
    private static readonly byte[] MessageStopHeaders = BedrockStreamEvents.EventHeaders("messageStop");
    private static readonly byte[] MetadataHeaders = BedrockStreamEvents.EventHeaders("metadata");

    public override int Leading => toolUse is null ? 1 : 2;

    public override int Trailing => 3;

    public override void WriteLeading(int index)
    {
        var json = Frames.Json;
        json.WriteStartObject();
        if (index == 1 && toolUse is { } tool)
        {
            json.WriteNumber("contentBlockIndex", 0);
            json.WriteStartObject("start");
            json.WriteStartObject("toolUse");
            json.WriteString("toolUseId", tool.Id);
            json.WriteString("name", tool.Name);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            Frames.Emit(ContentBlockStartHeaders);
            return;
        }

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
        if (toolUse is null)
        {
            json.WriteString("text", text);
        }
        else
        {
            json.WriteStartObject("toolUse");
            json.WriteString("input", text);
            json.WriteEndObject();
        }

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
