using System.Buffers;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>Amazon Nova's InvokeModel body; its messages are validated as Converse's are, which they mirror.</summary>
internal sealed class NovaFormat : IInvokeBodyFormat
{
    public const string SchemaVersion = "messages-v1";

    public static readonly NovaFormat Instance = new();

    private NovaFormat()
    {
    }

    public EmulatorError? Read(ReadOnlySpan<byte> body, out OperationRequest<InvokeRequest> request)
    {
        request = default;
        if (!RequestJson.TryParse(body, NovaJsonContext.Default.NovaRequest, out var nova, out var malformed))
        {
            return malformed;
        }

        if (nova.SchemaVersion is not (null or SchemaVersion))
        {
            return RequestJson.Malformed("#/schemaVersion", $"{nova.SchemaVersion} is not a valid enum value");
        }

        var config = nova.InferenceConfig;
        var maxTokens = config?.MaxTokens ?? config?.MaxNewTokens;
        var conversation = new ConverseRequest
        {
            Messages = nova.Messages,
            System = nova.System,
            InferenceConfig = config is null ? null : new InferenceConfiguration { MaxTokens = maxTokens, Temperature = config.Temperature, TopP = config.TopP },
        };
        if (ConverseValidator.Validate(conversation, out var prompt) is { } invalid)
        {
            return invalid;
        }

        if (config?.TopK < 0)
        {
            return RequestJson.Malformed("#/inferenceConfig/topK", $"{config.TopK} is not greater or equal to 0");
        }

        if (ModelAnswer.StopSequencesError(config?.StopSequences, "#/inferenceConfig/stopSequences") is { } stopError)
        {
            return stopError;
        }

        request = new(new InvokeRequest(this, config?.StopSequences), prompt, maxTokens);
        return null;
    }

    public Task WriteAnswerAsync(HttpResponse response, Invocation invocation, ModelAnswer answer, CancellationToken cancellationToken) =>
        response.WriteAsJsonAsync(
            new NovaResponse(
                new ConverseOutput(new OutputMessage("assistant", [new OutputBlock(answer.Text)])),
                answer.StopReason,
                new TokenUsage(invocation.InputTokens, answer.OutputTokens, invocation.InputTokens + answer.OutputTokens)),
            NovaJsonContext.Default.NovaResponse, InvokeMediaTypes.Json, cancellationToken);

    public AnswerEvents StreamEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer) => new NovaStreamEvents(output, invocation, answer);
}
