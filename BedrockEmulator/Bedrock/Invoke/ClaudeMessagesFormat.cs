using System.Buffers;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>Claude's InvokeModel body: the Anthropic Messages API (<c>anthropic_version</c> bedrock-2023-05-31).</summary>
internal sealed class ClaudeMessagesFormat : IInvokeBodyFormat
{
    public static readonly ClaudeMessagesFormat Instance = new();

    private ClaudeMessagesFormat()
    {
    }

    /// <summary>The message id Bedrock gives Claude's answers (<c>msg_bdrk_</c> and an id of the request).</summary>
    public static string MessageId(Invocation invocation) => "msg_bdrk_" + invocation.RequestId.Replace("-", "", StringComparison.Ordinal);

    public EmulatorError? Read(ReadOnlySpan<byte> body, out OperationRequest<InvokeRequest> request)
    {
        request = default;
        if (!RequestJson.TryParse(body, ClaudeJsonContext.Default.ClaudeMessagesRequest, out var claude, out var malformed))
        {
            return malformed;
        }

        if (ClaudeMessagesValidator.Validate(claude, out var prompt) is { } invalid)
        {
            return invalid;
        }

        request = new(new InvokeRequest(this, claude.StopSequences), prompt, claude.MaxTokens);
        return null;
    }

    public Task WriteAnswerAsync(HttpResponse response, Invocation invocation, ModelAnswer answer, CancellationToken cancellationToken) =>
        response.WriteAsJsonAsync(
            new ClaudeMessageResponse(
                MessageId(invocation), "message", "assistant", invocation.Model!.Id, [new ClaudeTextBlock("text", answer.Text)],
                answer.StopReason, answer.StopSequence, new ClaudeUsage(invocation.InputTokens, answer.OutputTokens)),
            ClaudeJsonContext.Default.ClaudeMessageResponse, InvokeMediaTypes.Json, cancellationToken);

    public AnswerEvents StreamEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer) => new ClaudeStreamEvents(output, invocation, answer);
}
