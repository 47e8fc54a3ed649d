using System.Text.Json;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
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
        var tool = ForcedTool(request);
        var answer = tool is { } forced ? ModelAnswer.ForTool(invocation, forced.Schema) : ModelAnswer.For(invocation, request.InferenceConfig?.StopSequences?.OfType<string>().ToList());
        var toolUse = tool is { } named ? (Id: $"tooluse_{invocation.Completion.Seed:x16}", named.Name) : default((string Id, string Name)?);
        if (streaming)
        {
            using var events = new ConverseStreamEvents(context.Response.BodyWriter, invocation, answer, toolUse);
            await streamer.StreamAsync(context, invocation, events);
            return;
        }

        await latency.WaitForAnswerAsync(invocation, context.RequestAborted);
        invocation.OutputTokensSent = answer.OutputTokens;
        var response = new ConverseResponse(
            new ConverseOutput(new OutputMessage("assistant", [toolUse is { } use
                ? new OutputBlock(ToolUse: new OutputToolUse(use.Id, use.Name, JsonElement.Parse(answer.Text)))
                : new OutputBlock(answer.Text)])),
            answer.StopReason,
            new TokenUsage(invocation.InputTokens, answer.OutputTokens, invocation.InputTokens + answer.OutputTokens),
            new ConverseMetrics(invocation.ElapsedMs));
        await context.Response.WriteAsJsonAsync(response, BedrockJsonContext.Default.ConverseResponse, "application/json", context.RequestAborted);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }

    /// <summary>The tool the request forces (toolChoice <c>tool</c>, or <c>any</c>: the first tool), with its input schema; null when the model may answer in text.</summary>
    private static (string Name, JsonElement Schema)? ForcedTool(ConverseRequest request)
    {
        if (request.ToolConfig is not { Tools: { Count: > 0 } tools, ToolChoice: { } choice } || (choice.Tool is null && choice.Any is null))
        {
            return null;
        }

        var spec = choice.Tool is { } specific ? tools.First(t => t.ToolSpec!.Name == specific.Name).ToolSpec! : tools[0].ToolSpec!;
        return (spec.Name!, spec.InputSchema!.Json!.Value);
    }
}
