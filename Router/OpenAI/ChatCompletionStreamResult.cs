using Microsoft.Extensions.AI;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// A routed stream as Server-Sent Events: each update is written as it arrives, and what is written is sent
/// whenever the next update is not already at hand (a burst in one send; nothing held while the upstream is
/// quiet), and the stream ends with <c>data: [DONE]</c>. However it ends otherwise (upstream
/// failure, idle upstream, overall deadline, anything unexpected), a client still listening gets an
/// explicit OpenAI-style error event and no <c>[DONE]</c>, never a silent truncation. A stream continued
/// on another deployment says so on its finishing chunk and its usage chunk (<see cref="ChatCompletionChunk"/>).
/// The request's lifetime is ended here either way.
/// </summary>
public sealed class ChatCompletionStreamResult(string id, RoutedStream stream, ChatRequestLifetime lifetime, bool includeUsage) : IResult
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var events = new ServerSentEventWriter(response.BodyWriter);
        var cancellation = httpContext.RequestAborted;
        var created = httpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        var model = lifetime.Route!.Deployment.Options.Model;
        var toolIndex = 0;
        var first = true;

        try
        {
            var next = stream.NextAsync();
            while (true)
            {
                if (!next.IsCompleted || events.Unflushed > ServerSentEventWriter.MaxUnflushedBytes)
                {
                    // Nothing more at hand (or plenty buffered): what is written goes out before the wait.
                    await events.FlushAsync(cancellation);
                }

                if (await next is not { } update)
                {
                    break;
                }

                // The note on continuations goes on the finishing chunk only.
                var finish = ChatResponseMapper.FinishReason(update.FinishReason);
                var chunk = ChatCompletionChunk.Delta(id, created, model, first ? "assistant" : null, update.Text is { Length: > 0 } text ? text : null,
                    update.Contents, toolIndex, finish, finish is null ? 0 : lifetime.Continuations);
                if (!chunk.IsEmpty)
                {
                    first = false;
                    events.Append(DataPrefix, chunk, ChatCompletionChunk.Write);
                    toolIndex += chunk.ToolCalls;
                }

                // Only once this update is written: the stream's next read may continue it elsewhere.
                next = stream.NextAsync();
            }

            if (includeUsage)
            {
                events.Append(DataPrefix, ChatCompletionChunk.Usage(id, created, model, ChatResponseMapper.ToUsage(lifetime.ReportedUsage), lifetime.Continuations),
                    ChatCompletionChunk.Write);
            }

            await events.WriteRawAsync(Done, cancellation);
            lifetime.Complete();
        }
        catch (Exception failure)
        {
            // Headers and tokens are out, so no exception handler can answer any more: the lifetime says what
            // the client is told (nothing when it has gone), and the stream ends on that error event.
            if (lifetime.Fail(failure) is { } error)
            {
                await WriteErrorAsync(events, OpenAIErrorResult.From(error).Error, cancellation);
            }
        }
    }

    private static async Task WriteErrorAsync(ServerSentEventWriter events, ErrorDetail error, CancellationToken cancellation)
    {
        try
        {
            await events.WriteAsync(DataPrefix, new ErrorResponse { Error = error }, OpenAIJsonContext.Default.ErrorResponse, cancellation);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client left while being told: the request has already ended with its outcome.
        }
    }
}
