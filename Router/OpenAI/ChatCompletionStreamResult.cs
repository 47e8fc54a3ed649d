using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// A routed stream as Server-Sent Events: each update is written and flushed as it arrives (no
/// buffering), the stream ends with <c>data: [DONE]</c>, and a failure after the first token ends it
/// with an explicit error event instead of a silent truncation.
/// </summary>
public sealed class ChatCompletionStreamResult(
    string id,
    string model,
    PrimedStream stream,
    bool includeUsage,
    bool recordContent,
    Action<StreamOutcome> onCompleted) : IResult
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var body = response.Body;
        var cancellation = httpContext.RequestAborted;
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        UsageDetails? usage = null;
        var toolIndex = 0;
        var first = true;
        var transcript = recordContent ? new System.Text.StringBuilder() : null;

        try
        {
            await using (stream)
            {
                for (var update = stream.First; update is not null; update = await stream.NextAsync())
                {
                    usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
                    var delta = new ChunkDelta
                    {
                        Role = first ? "assistant" : null,
                        Content = update.Text is { Length: > 0 } text ? text : null,
                        ToolCalls = update.Contents.OfType<FunctionCallContent>().Select(call => new ChunkToolCall
                        {
                            Index = toolIndex++,
                            Id = call.CallId,
                            Type = "function",
                            Function = new FunctionCall { Name = call.Name, Arguments = ChatResponseMapper.SerializeArguments(call) },
                        }).ToList() is { Count: > 0 } calls ? calls : null,
                    };
                    var finish = ChatResponseMapper.FinishReason(update.FinishReason);
                    if (delta.Role is null && delta.Content is null && delta.ToolCalls is null && finish is null)
                    {
                        continue;
                    }

                    first = false;
                    transcript?.Append(delta.Content);
                    await WriteAsync(body, new ChatCompletionChunk { Id = id, Created = created, Model = model, Choices = [new ChunkChoice { Delta = delta, FinishReason = finish }] }, cancellation);
                }
            }

            if (includeUsage)
            {
                await WriteAsync(body, new ChatCompletionChunk { Id = id, Created = created, Model = model, Choices = [], Usage = ChatResponseMapper.ToUsage(usage) }, cancellation);
            }

            await body.WriteAsync(Done, cancellation);
            await body.FlushAsync(cancellation);
            onCompleted(new StreamOutcome(usage, transcript?.ToString(), Interrupted: false));
        }
        catch (Exception failure) when (failure is Providers.ProviderException or IOException && !cancellation.IsCancellationRequested)
        {
            Activity.Current?.AddEvent(new ActivityEvent("switchyard.stream_failed_after_first_token", tags: new ActivityTagsCollection { ["switchyard.reason"] = failure.Message }));
            onCompleted(new StreamOutcome(usage, transcript?.ToString(), Interrupted: true));
            var error = new ErrorResponse { Error = new ErrorDetail { Message = $"The upstream stream failed after tokens were sent: {failure.Message}", Type = "server_error", Code = "stream_interrupted" } };
            await body.WriteAsync(DataPrefix, cancellation);
            await JsonSerializer.SerializeAsync(body, error, OpenAIJsonContext.Default.ErrorResponse, cancellation);
            await body.WriteAsync(EventEnd, cancellation);
            await body.FlushAsync(cancellation);
        }
    }

    private static async Task WriteAsync(Stream body, ChatCompletionChunk chunk, CancellationToken cancellation)
    {
        await body.WriteAsync(DataPrefix, cancellation);
        await JsonSerializer.SerializeAsync(body, chunk, OpenAIJsonContext.Default.ChatCompletionChunk, cancellation);
        await body.WriteAsync(EventEnd, cancellation);
        await body.FlushAsync(cancellation);
    }
}

/// <summary>How a stream ended: usage as reported, the text sent (only when content recording is on), and whether it was cut.</summary>
public sealed record StreamOutcome(UsageDetails? Usage, string? Text, bool Interrupted);

/// <summary>
/// An upstream stream whose first update has already arrived (so the route is settled), owning the
/// cancellation source that bounds the rest of the stream.
/// </summary>
public sealed class PrimedStream(IAsyncEnumerator<ChatResponseUpdate> updates, ChatResponseUpdate? first, CancellationTokenSource lifetime) : IAsyncDisposable
{
    public ChatResponseUpdate? First { get; } = first;

    public async ValueTask<ChatResponseUpdate?> NextAsync() => await updates.MoveNextAsync() ? updates.Current : null;

    /// <summary>Starts the stream on a deployment and waits for its first update within the attempt deadline.</summary>
    public static async Task<PrimedStream> StartAsync(Deployment deployment, RouteRequest request, CancellationToken attemptDeadline, CancellationToken requestAborted, TimeSpan lifetimeLimit)
    {
        // The stream outlives the attempt: it is bound to the request and the overall deadline, and the
        // attempt's first-token deadline only watches the wait for the first update.
        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        lifetime.CancelAfter(lifetimeLimit);
        var updates = deployment.Client.GetStreamingResponseAsync(request.Messages, request.Options, lifetime.Token).GetAsyncEnumerator(lifetime.Token);
        try
        {
            await using (attemptDeadline.Register(static state => ((CancellationTokenSource)state!).Cancel(), lifetime))
            {
                var first = await updates.MoveNextAsync() ? updates.Current : null;
                return new PrimedStream(updates, first, lifetime);
            }
        }
        catch
        {
            await updates.DisposeAsync();
            lifetime.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await updates.DisposeAsync();
        lifetime.Dispose();
    }
}
