using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// Translates the OpenAI SDK's exceptions into <see cref="ProviderException"/>: error answers by status,
/// connection failures as unavailable, and anything else (an answer that is not the JSON it should be)
/// as a retryable server error. Whatever ends a call whose token was cancelled passes through.
/// </summary>
internal sealed class OpenAIErrorClassifyingChatClient(IChatClient inner, TimeProvider clock) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception e) when (Classify(e, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await updates.MoveNextAsync())
                {
                    yield break;
                }

                update = updates.Current;
            }
            catch (Exception e) when (Classify(e, cancellationToken) is { } failure)
            {
                throw failure;
            }

            yield return update;
        }
    }

    private ProviderException? Classify(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is ProviderException || cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        switch (exception)
        {
            case ClientResultException result:
                var response = result.GetRawResponse();
                var body = response?.Content?.ToString() ?? result.Message;
                var headers = response?.Headers;
                var retryAfter = ProviderException.ParseRetryAfter(
                    headers?.TryGetValue("retry-after", out var seconds) == true ? seconds : null,
                    headers?.TryGetValue("retry-after-ms", out var ms) == true ? ms : null,
                    clock);
                var kind = result.Status switch
                {
                    429 => FailureKind.Throttled,
                    503 => FailureKind.Unavailable,
                    408 or 504 => FailureKind.Timeout,
                    >= 500 => FailureKind.ServerError,
                    0 => FailureKind.Unavailable,
                    _ when body.Contains("context_length_exceeded", StringComparison.Ordinal) => FailureKind.ContextWindowExceeded,
                    _ when body.Contains("content_filter", StringComparison.Ordinal) => FailureKind.ContentFiltered,
                    _ => FailureKind.ClientError,
                };
                return new ProviderException(kind, result.Status, $"OpenAI{result.Status}", $"OpenAI-compatible endpoint answered {result.Status}: {body}", retryAfter, result);
            case HttpRequestException or IOException:
                return new ProviderException(FailureKind.Unavailable, 0, "ConnectionError", $"OpenAI-compatible endpoint unreachable: {exception.Message}", inner: exception);
            default:
                return new ProviderException(FailureKind.ServerError, 0, "InvalidResponse",
                    $"OpenAI-compatible endpoint answered something the client could not read: {exception.GetType().Name}: {exception.Message}", inner: exception);
        }
    }
}
