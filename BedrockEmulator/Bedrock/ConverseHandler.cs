using System.Text.Json;
using Switchyard.BedrockEmulator.Auth;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;
using static Switchyard.BedrockEmulator.Generation.LatencyModel;
using Switchyard.BedrockEmulator.Inference;
using Switchyard.BedrockEmulator.Wire;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>Converse and ConverseStream on a Region endpoint: SigV4, validation, admission, then the answer.</summary>
internal sealed class ConverseHandler(EndpointMap endpoints, SigV4Verifier verifier, InvocationPipeline pipeline, LatencyModel latency)
{
    public const string EventStreamContentType = "application/vnd.amazon.eventstream";

    public async Task HandleAsync(HttpContext context, string modelId, bool streaming)
    {
        var endpoint = endpoints.At(context);
        if (endpoint.Role != EndpointRole.Region)
        {
            await BedrockErrorWriter.WriteAsync(context, Guid.NewGuid().ToString(), StatusCodes.Status404NotFound, "UnknownOperationException", "Converse is served on the Region endpoints only.");
            return;
        }

        var invocation = pipeline.Start(streaming ? "converse-stream" : "converse", endpoint.Region!, modelId);
        var cancellation = context.RequestAborted;
        try
        {
            using (var body = await RequestBody.ReadAsync(context.Request.BodyReader, cancellation))
            {
                if (Admit(context, invocation, body.Span, streaming) is { } error)
                {
                    pipeline.Fail(invocation, error);
                    await BedrockErrorWriter.WriteAsync(context, invocation.RequestId, error);
                    return;
                }
            }

            if (invocation.Faults.Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }

            context.Response.Headers[BedrockErrorWriter.RequestIdHeader] = invocation.RequestId;
            await (streaming ? StreamAsync(context, invocation) : AnswerAsync(context, invocation));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            pipeline.Finish(invocation, invocation.Faults.Hang ? "hung" : "cancelled", InvocationPipeline.ClientClosedRequest);
        }
    }

    private EmulatorError? Admit(HttpContext context, Invocation invocation, ReadOnlySpan<byte> body, bool streaming)
    {
        if (!verifier.TryVerify(context, invocation.SourceRegion.Name, body, out var account, out var authError))
        {
            invocation.Account = account;
            return authError;
        }

        invocation.Account = account;
        ConverseRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, BedrockJsonContext.Default.ConverseRequest);
        }
        catch (JsonException)
        {
            return EmulatorError.Validation("Malformed input request, please reformat your input and try again.");
        }

        if (request is null)
        {
            return EmulatorError.Validation("Malformed input request, please reformat your input and try again.");
        }

        if (ConverseValidator.Validate(request, out var prompt) is { } invalid)
        {
            return invalid;
        }

        if (ModelCatalog.ResolveBedrock(invocation.RequestedModel, invocation.SourceRegion) is not { } target)
        {
            return EmulatorError.Validation("The provided model identifier is invalid.");
        }

        return pipeline.Admit(invocation, account, target, prompt, request.InferenceConfig?.MaxTokens, streaming);
    }

    private async Task AnswerAsync(HttpContext context, Invocation invocation)
    {
        var completion = invocation.Completion;
        await latency.WaitForAnswerAsync(invocation, context.RequestAborted);

        invocation.OutputTokensSent = completion.OutputTokens;
        var response = new ConverseResponse(
            new ConverseOutput(new OutputMessage("assistant", [new OutputText(completion.Text())])),
            StopReason(completion),
            new TokenUsage(invocation.InputTokens, completion.OutputTokens, invocation.InputTokens + completion.OutputTokens),
            new ConverseMetrics(invocation.ElapsedMs));
        await context.Response.WriteAsJsonAsync(response, BedrockJsonContext.Default.ConverseResponse, "application/json", context.RequestAborted);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }

    private async Task StreamAsync(HttpContext context, Invocation invocation)
    {
        var completion = invocation.Completion;
        var faults = invocation.Faults;
        var cancellation = context.RequestAborted;
        var firstToken = latency.FirstToken(invocation);
        context.Response.ContentType = EventStreamContentType;
        var output = context.Response.BodyWriter;
        using var events = new BedrockStreamEvents(output);

        await LatencyModel.WaitUntilAsync(invocation, firstToken, cancellation);
        var text = completion.Text();
        var eventCount = completion.Deltas + 4;
        for (var index = 0; index < eventCount; index++)
        {
            if (index == faults.StreamFaultAfterEvents)
            {
                events.Exception(faults.StreamFault, InvocationPipeline.FaultMessage(faults.StreamFault));
                await output.FlushAsync(cancellation);
                pipeline.Finish(invocation, faults.StreamFault.Outcome(), StatusCodes.Status200OK);
                return;
            }

            var delta = index - 1;
            if (index == 0)
            {
                events.MessageStart();
            }
            else if (delta < completion.Deltas)
            {
                await FlushBeforeAsync(latency.PaceDeltaAsync(invocation, firstToken, delta, cancellation), output, cancellation);
                events.ContentBlockDelta(Completion.Delta(text, delta));
            }
            else if (delta == completion.Deltas)
            {
                events.ContentBlockStop();
            }
            else if (delta == completion.Deltas + 1)
            {
                events.MessageStop(StopReason(completion));
            }
            else
            {
                events.Metadata(invocation.InputTokens, completion.OutputTokens, invocation.ElapsedMs);
            }
        }

        await output.FlushAsync(cancellation);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }

    private static string StopReason(Completion completion) => completion.HitMaxTokens ? "max_tokens" : "end_turn";
}
