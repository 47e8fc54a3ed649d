using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// A streamed Chat Completions answer (server-sent <c>chat.completion.chunk</c> events up to <c>[DONE]</c>)
/// read into updates as its bytes arrive, then one update with the tool calls it assembled, if any. A body
/// that ends without <c>[DONE]</c> ends the answer too, as it did for the OpenAI SDK. A broken connection is
/// the endpoint unavailable; an event that does not read as a chunk is a retryable server error.
/// </summary>
internal static class ChatCompletionStream
{
    public static async IAsyncEnumerable<ChatResponseUpdate> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var events = new ServerSentEventReader(body);
        var reader = new ChatCompletionReader();
        while (true)
        {
            ReadOnlyMemory<byte>? data;
            try
            {
                data = await events.ReadAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                throw OpenAIErrors.ConnectionFailure(e);
            }
            catch (InvalidDataException e)
            {
                throw OpenAIErrors.InvalidResponse(e);
            }

            if (data is not { } json || json.Span.SequenceEqual("[DONE]"u8))
            {
                break;
            }

            if (json.IsEmpty)
            {
                continue;
            }

            ChatResponseUpdate update;
            try
            {
                update = reader.ReadChunk(json.Span);
            }
            catch (Exception e) when (OpenAIErrors.IsUnreadable(e))
            {
                throw OpenAIErrors.InvalidResponse(e);
            }

            yield return update;
        }

        ChatResponseUpdate? calls;
        try
        {
            calls = reader.CompleteToolCalls();
        }
        catch (Exception e) when (OpenAIErrors.IsUnreadable(e))
        {
            throw OpenAIErrors.InvalidResponse(e);
        }

        if (calls is not null)
        {
            yield return calls;
        }
    }
}
