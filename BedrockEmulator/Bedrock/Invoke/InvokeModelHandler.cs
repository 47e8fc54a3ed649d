using System.Globalization;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>
/// InvokeModel and InvokeModelWithResponseStream: the body is the model family's own (Anthropic Messages
/// for Claude, Nova's for Nova), answered as that family's JSON or as its stream events in chunks.
/// </summary>
internal sealed class InvokeModelHandler(BedrockOperationRunner runner, BedrockEventStreamer streamer, InvocationPipeline pipeline, LatencyModel latency)
    : IBedrockOperation<InvokeRequest>
{
    public const string InputTokenCountHeader = "X-Amzn-Bedrock-Input-Token-Count";
    public const string OutputTokenCountHeader = "X-Amzn-Bedrock-Output-Token-Count";
    public const string InvocationLatencyHeader = "X-Amzn-Bedrock-Invocation-Latency";

    public string Name => "InvokeModel";

    public Task HandleAsync(HttpContext context, string modelId, bool streaming) => runner.RunAsync(context, modelId, this, streaming);

    public string Api(bool streaming) => streaming ? "invoke-with-response-stream" : "invoke";

    public EmulatorError? Read(HttpRequest http, ReadOnlySpan<byte> body, ModelDefinition model, bool streaming, out OperationRequest<InvokeRequest> request)
    {
        request = default;
        if (InvokeMediaTypes.Error(http, streaming) is { } mediaTypeError)
        {
            return mediaTypeError;
        }

        return FormatOf(model) is { } format
            ? format.Read(body, out request)
            : EmulatorError.Validation($"The model {model.Id} has no InvokeModel body format in the emulator. Use Converse.");
    }

    public async Task RespondAsync(HttpContext context, Invocation invocation, InvokeRequest request, bool streaming)
    {
        var answer = ModelAnswer.For(invocation, request.StopSequences);
        var response = context.Response;
        if (streaming)
        {
            response.Headers[InvokeMediaTypes.StreamContentTypeHeader] = InvokeMediaTypes.Json;
            using var events = request.Format.StreamEvents(response.BodyWriter, invocation, answer);
            await streamer.StreamAsync(context, invocation, events);
            return;
        }

        await latency.WaitForAnswerAsync(invocation, context.RequestAborted);
        invocation.OutputTokensSent = answer.OutputTokens;
        response.Headers[InputTokenCountHeader] = invocation.InputTokens.ToString(CultureInfo.InvariantCulture);
        response.Headers[OutputTokenCountHeader] = answer.OutputTokens.ToString(CultureInfo.InvariantCulture);
        response.Headers[InvocationLatencyHeader] = invocation.ElapsedMs.ToString(CultureInfo.InvariantCulture);
        await request.Format.WriteAnswerAsync(response, invocation, answer, context.RequestAborted);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }

    private static IInvokeBodyFormat? FormatOf(ModelDefinition model) =>
        model.Id.StartsWith("anthropic.", StringComparison.Ordinal) ? ClaudeMessagesFormat.Instance
        : model.Id.StartsWith("amazon.nova-", StringComparison.Ordinal) ? NovaFormat.Instance
        : null;
}
