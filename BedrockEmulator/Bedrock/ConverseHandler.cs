using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>Converse and ConverseStream: the Converse request shape, answered as a message or as ConverseStream events.</summary>
internal sealed class ConverseHandler(BedrockOperationRunner runner, BedrockEventStreamer streamer, InvocationPipeline pipeline, LatencyModel latency)
    : IBedrockOperation<ConverseRequest>
{
    public string Name => "Converse";

    public Task HandleAsync(HttpContext context, string modelId, bool streaming) => runner.RunAsync(context, modelId, this, streaming);

    public string Api(bool streaming) => streaming ? "converse-stream" : "converse";

    public EmulatorError? Read(HttpRequest http, ReadOnlySpan<byte> body, ModelDefinition model, bool streaming, out OperationRequest<ConverseRequest> request)
    {
        request = default;
        if (!RequestJson.TryParse(body, BedrockJsonContext.Default.ConverseRequest, out var converse, out var malformed))
        {
            return malformed;
        }

        if (ConverseValidator.Validate(converse, out var prompt) is { } invalid)
        {
            return invalid;
        }

        request = new(converse, prompt, converse.InferenceConfig?.MaxTokens);
        return null;
    }

    public async Task RespondAsync(HttpContext context, Invocation invocation, ConverseRequest request, bool streaming)
    {
        var answer = ModelAnswer.For(invocation, stopSequences: null);
        if (streaming)
        {
            using var events = new ConverseStreamEvents(context.Response.BodyWriter, invocation, answer);
            await streamer.StreamAsync(context, invocation, events);
            return;
        }

        await latency.WaitForAnswerAsync(invocation, context.RequestAborted);
        invocation.OutputTokensSent = answer.OutputTokens;
        var response = new ConverseResponse(
            new ConverseOutput(new OutputMessage("assistant", [new OutputText(answer.Text)])),
            answer.StopReason,
            new TokenUsage(invocation.InputTokens, answer.OutputTokens, invocation.InputTokens + answer.OutputTokens),
            new ConverseMetrics(invocation.ElapsedMs));
        await context.Response.WriteAsJsonAsync(response, BedrockJsonContext.Default.ConverseResponse, "application/json", context.RequestAborted);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }
}
