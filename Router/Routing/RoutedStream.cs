using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Routing;

/// <summary>
/// A routed stream whose first update has arrived, as the client reads it: every update that passes
/// through is reported to the lifetime, which charges for it. When the upstream fails or stalls and the
/// model group continues streams (<see cref="StreamContinuation"/>), the rest of the answer is routed to
/// another deployment of the same model and read from there, so the client sees one answer. The lifetime
/// owns and disposes it.
/// </summary>
public sealed class RoutedStream : IAsyncDisposable
{
    private readonly ChatRequestLifetime _lifetime;
    private readonly Func<ChatRequestLifetime, Task<UpstreamStream>> _continue;
    private UpstreamStream _upstream;

    /// <summary>Text the client already has that a continuation starts with again (whitespace a prefill may not end on).</summary>
    private string _resent = "";

    internal RoutedStream(UpstreamStream upstream, ChatRequestLifetime lifetime, Func<ChatRequestLifetime, Task<UpstreamStream>> continuation)
    {
        _upstream = upstream;
        _lifetime = lifetime;
        _continue = continuation;
    }

    /// <summary>
    /// The next update (the first one first), or null at the end. Throws what the upstream threw when the
    /// stream cannot be continued, the request's cancellation, or <see cref="StreamIdleTimeoutException"/>
    /// when the upstream went quiet.
    /// </summary>
    public async ValueTask<ChatResponseUpdate?> NextAsync()
    {
        while (true)
        {
            ChatResponseUpdate? update;
            try
            {
                update = await _upstream.NextAsync();
            }
            catch (Exception failure) when (failure is ProviderException or StreamIdleTimeoutException && !_lifetime.Cancellation.IsCancellationRequested)
            {
                if (!await TryContinueAsync(failure))
                {
                    throw;
                }

                continue;
            }

            if (update is null)
            {
                return null;
            }

            if (WithoutResentText(update) is { } fresh)
            {
                _lifetime.Observe(fresh);
                return fresh;
            }
        }
    }

    public ValueTask DisposeAsync() => _upstream.DisposeAsync();

    /// <summary>Routes the rest of the answer when the group continues streams and a deployment can; false leaves the failure as it is.</summary>
    private async Task<bool> TryContinueAsync(Exception failure)
    {
        if (StreamContinuation.Plan(_lifetime, failure) is not { } plan)
        {
            return false;
        }

        UpstreamStream next;
        try
        {
            _lifetime.BeginContinuation(plan, failure);
            next = await _continue(_lifetime);
        }
        catch (RoutingException refused)
        {
            // No deployment could take it (breakers, capacity, their own failures, the deadline): the client
            // is told of the original failure, as without continuation.
            _lifetime.ContinuationFailed(refused);
            return false;
        }

        await _upstream.DisposeAsync();
        _upstream = next;
        _resent = plan.Resent;
        return true;
    }

    /// <summary>The update without the text the client already has; null when nothing is left of it.</summary>
    private ChatResponseUpdate? WithoutResentText(ChatResponseUpdate update)
    {
        if (_resent.Length == 0 || update.Text is not { Length: > 0 } text)
        {
            return update;
        }

        var same = 0;
        while (same < _resent.Length && same < text.Length && text[same] == _resent[same])
        {
            same++;
        }

        // Once the continuation's text differs (or goes past it), nothing more is a repeat.
        _resent = same == text.Length ? _resent[same..] : "";
        if (same == 0)
        {
            return update;
        }

        List<AIContent> contents = [.. update.Contents.Where(content => content is not TextContent)];
        if (same < text.Length)
        {
            contents.Insert(0, new TextContent(text[same..]));
        }

        if (contents.Count == 0 && update.FinishReason is null)
        {
            return null;
        }

        return new ChatResponseUpdate(update.Role, contents)
        {
            FinishReason = update.FinishReason,
            ResponseId = update.ResponseId,
            MessageId = update.MessageId,
            ModelId = update.ModelId,
            CreatedAt = update.CreatedAt,
            AdditionalProperties = update.AdditionalProperties,
        };
    }
}
