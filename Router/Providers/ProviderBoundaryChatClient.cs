using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers;

/// <summary>
/// Every deployment's client as the router calls it (<see cref="Routing.RoutingTableProvider"/> wraps each
/// provider's client in one), so the <see cref="IProvider"/> contract holds for any provider: whatever a
/// client throws reaches the router as a <see cref="ProviderException"/> and so fails over and counts on
/// the breaker. An answer that cannot be read (<see cref="JsonException"/>) or any other unexpected
/// exception is a retryable <see cref="FailureKind.ServerError"/>; an exception from a call whose token
/// was cancelled is that cancellation (the router tells client aborts from deadlines by the token). The
/// provider's own text of each failure goes on the current span (the attempt's) as a
/// <c>switchyard.upstream_error</c> event: it is kept from clients, not from operators.
/// </summary>
internal sealed class ProviderBoundaryChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    /// <summary>Longest provider text put on a span: error bodies can be as large as the upstream likes.</summary>
    private const int MaxDetailLength = 4096;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var failure = Classify(e, cancellationToken);
            if (failure == e)
            {
                throw;
            }

            throw failure;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var failure = Classify(e, cancellationToken);
            if (failure == e)
            {
                throw;
            }

            throw failure;
        }

        await using (updates)
        {
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
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var failure = Classify(e, cancellationToken);
                    if (failure == e)
                    {
                        throw;
                    }

                    throw failure;
                }

                yield return update;
            }
        }
    }

    private static Exception Classify(Exception exception, CancellationToken cancellationToken)
    {
        var failure = exception switch
        {
            ProviderException classified => classified,
            _ when cancellationToken.IsCancellationRequested => null,
            JsonException => new ProviderException(FailureKind.ServerError, 0, "InvalidResponse", $"The provider's answer is not the JSON it should be: {exception.Message}", inner: exception),
            _ => new ProviderException(FailureKind.ServerError, 0, "UnexpectedError", $"{exception.GetType().FullName}: {exception.Message}", inner: exception),
        };
        if (failure is null)
        {
            // Whatever a cancelled call throws (a disposed stream, an aborted read) is the cancellation.
            return new OperationCanceledException("The provider call was cancelled.", exception, cancellationToken);
        }

        Activity.Current?.AddEvent(new ActivityEvent("switchyard.upstream_error", tags: new ActivityTagsCollection
        {
            ["error.type"] = failure.ErrorType,
            ["http.response.status_code"] = failure.StatusCode,
            ["switchyard.failure_kind"] = failure.Kind.ToString(),
            ["switchyard.upstream.detail"] = failure.Detail.Length > MaxDetailLength ? failure.Detail[..MaxDetailLength] : failure.Detail,
        }));
        return failure;
    }
}
