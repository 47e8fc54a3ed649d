using System.Buffers;
using System.Text.Json;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;
using static Switchyard.BedrockEmulator.Inference.LatencyModel;
using Switchyard.BedrockEmulator.Inference;
using Switchyard.BedrockEmulator.Wire;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.OpenAI;

/// <summary>
/// OpenAI-compatible chat completions on the openai endpoint, as Region "openai": a bearer key names
/// the account, and the same catalog, quotas, faults, latency model and invocation log apply.
/// </summary>
internal sealed class ChatCompletionsHandler(EndpointMap endpoints, AccountRegistry accounts, InvocationPipeline pipeline, LatencyModel latency, TimeProvider time)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        if (endpoints.At(context).Role != EndpointRole.OpenAI)
        {
            await OpenAIErrors.WriteAsync(context, new EmulatorError(ErrorKind.ResourceNotFound, "Chat completions are served on the openai endpoint only."));
            return;
        }

        var cancellation = context.RequestAborted;
        ChatCompletionRequest? request = null;
        Invocation? invocation = null;
        try
        {
            using (var body = await RequestBody.ReadAsync(context.Request.BodyReader, cancellation))
            {
                request = Parse(body.Span);
                invocation = pipeline.Start("openai", RegionCatalog.OpenAI, request?.Model ?? "");
                if (Admit(context, invocation, request) is { } error)
                {
                    pipeline.Fail(invocation, error, OpenAIErrors.Describe(error.Kind).Status);
                    await OpenAIErrors.WriteAsync(context, error);
                    return;
                }
            }

            if (invocation.Faults.Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }

            await (request!.Stream ? StreamAsync(context, invocation, request.StreamOptions?.IncludeUsage == true) : AnswerAsync(context, invocation));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested && invocation is not null)
        {
            pipeline.Finish(invocation, invocation.Faults.Hang ? "hung" : "cancelled", InvocationPipeline.ClientClosedRequest);
        }
    }

    private static ChatCompletionRequest? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, OpenAIJsonContext.Default.ChatCompletionRequest);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private EmulatorError? Admit(HttpContext context, Invocation invocation, ChatCompletionRequest? request)
    {
        if (accounts.ByBearerHeader(context.Request.Headers.Authorization.ToString()) is not { } account)
        {
            return OpenAIErrors.IncorrectApiKey;
        }

        invocation.Account = account;
        if (request is null)
        {
            return EmulatorError.Validation("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)");
        }

        if (ChatCompletionValidator.Validate(request, out var prompt) is { } invalid)
        {
            return invalid;
        }

        if (ModelCatalog.FindModel(request.Model!) is not { } model)
        {
            return new EmulatorError(ErrorKind.ResourceNotFound, $"The model `{request.Model}` does not exist or you do not have access to it.");
        }

        return pipeline.Admit(invocation, account, new ModelTarget(model, null), prompt, request.MaxCompletionTokens ?? request.MaxTokens, request.Stream);
    }

    private async Task AnswerAsync(HttpContext context, Invocation invocation)
    {
        var model = invocation.Model!;
        var completion = invocation.Completion;
        await latency.WaitForAnswerAsync(invocation, context.RequestAborted);

        invocation.OutputTokensSent = completion.OutputTokens;
        var response = new ChatCompletion(
            CompletionId(invocation), "chat.completion", time.GetUtcNow().ToUnixTimeSeconds(), model.Id,
            [new ChatChoice(0, new ChatResponseMessage("assistant", completion.Text()), FinishReason(completion))],
            new ChatUsage(invocation.InputTokens, completion.OutputTokens, invocation.InputTokens + completion.OutputTokens));
        await context.Response.WriteAsJsonAsync(response, OpenAIJsonContext.Default.ChatCompletion, "application/json", context.RequestAborted);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }

    /// <summary>Server-sent events: a role chunk, content chunks, a finish chunk, the usage chunk if asked for, then [DONE].</summary>
    private async Task StreamAsync(HttpContext context, Invocation invocation, bool includeUsage)
    {
        var model = invocation.Model!;
        var completion = invocation.Completion;
        var faults = invocation.Faults;
        var cancellation = context.RequestAborted;
        var firstToken = latency.FirstToken(invocation);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var output = context.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(output);
        var id = CompletionId(invocation);
        var created = time.GetUtcNow().ToUnixTimeSeconds();

        await LatencyModel.WaitUntilAsync(invocation, firstToken, cancellation);
        var text = completion.Text();
        var chunkCount = completion.Deltas + (includeUsage ? 3 : 2);
        for (var index = 0; index < chunkCount; index++)
        {
            output.Write(DataPrefix.AsSpan());
            if (index == faults.StreamFaultAfterEvents)
            {
                json.Reset();
                JsonSerializer.Serialize(json, OpenAIErrors.Body(new EmulatorError(faults.StreamFault, InvocationPipeline.FaultMessage(faults.StreamFault))), OpenAIJsonContext.Default.OpenAIErrorBody);
                output.Write(EventEnd.AsSpan());
                await output.FlushAsync(cancellation);
                pipeline.Finish(invocation, faults.StreamFault.Outcome(), StatusCodes.Status200OK);
                return;
            }

            var delta = index - 1;
            if (delta >= 0 && delta < completion.Deltas)
            {
                await FlushBeforeAsync(latency.PaceDeltaAsync(invocation, firstToken, delta, cancellation), output, cancellation);
            }

            WriteChunk(json, id, created, model.Id, includeUsage, index switch
            {
                0 => ChunkPart.Role,
                _ when delta < completion.Deltas => ChunkPart.Content,
                _ when delta == completion.Deltas => ChunkPart.Finish,
                _ => ChunkPart.Usage,
            }, text, delta, invocation);
            output.Write(EventEnd.AsSpan());
        }

        output.Write(Done.AsSpan());
        await output.FlushAsync(cancellation);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }

    private enum ChunkPart
    {
        Role,
        Content,
        Finish,
        Usage,
    }

    private static void WriteChunk(Utf8JsonWriter json, string id, long created, string model, bool includeUsage, ChunkPart part, string text, int delta, Invocation invocation)
    {
        json.Reset();
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteStartArray("choices");
        if (part != ChunkPart.Usage)
        {
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("delta");
            if (part == ChunkPart.Role)
            {
                json.WriteString("role", "assistant");
                json.WriteString("content", "");
            }
            else if (part == ChunkPart.Content)
            {
                json.WriteString("content", Completion.Delta(text, delta));
            }

            json.WriteEndObject();
            if (part == ChunkPart.Finish)
            {
                json.WriteString("finish_reason", FinishReason(invocation.Completion));
            }
            else
            {
                json.WriteNull("finish_reason");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (part == ChunkPart.Usage)
        {
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", invocation.InputTokens);
            json.WriteNumber("completion_tokens", invocation.Completion.OutputTokens);
            json.WriteNumber("total_tokens", invocation.InputTokens + invocation.Completion.OutputTokens);
            json.WriteEndObject();
        }
        else if (includeUsage)
        {
            json.WriteNull("usage");
        }

        json.WriteEndObject();
        json.Flush();
    }

    private static string CompletionId(Invocation invocation) => "chatcmpl-" + invocation.RequestId.Replace("-", "", StringComparison.Ordinal);

    private static string FinishReason(Completion completion) => completion.HitMaxTokens ? "length" : "stop";
}
