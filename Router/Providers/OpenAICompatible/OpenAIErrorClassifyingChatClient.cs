using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>Translates the OpenAI SDK's exceptions into <see cref="ProviderException"/>.</summary>
internal sealed class OpenAIErrorClassifyingChatClient(IChatClient inner) : DelegatingChatClient(inner)
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

    private static ProviderException? Classify(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        switch (exception)
        {
            case ClientResultException result:
                var response = result.GetRawResponse();
                var body = response?.Content?.ToString() ?? result.Message;
                TimeSpan? retryAfter = response?.Headers.TryGetValue("retry-after", out var value) == true && double.TryParse(value, out var seconds)
                    ? TimeSpan.FromSeconds(seconds)
                    : null;
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
                return null;
        }
    }
}
