using System.ClientModel;
using Microsoft.Extensions.AI;
using Switchyard.SampleApp.RouterClient;
using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Chat;

/// <summary>Streams one answer from the Router, reporting text as it arrives, and measures how it was served.</summary>
public sealed class AnswerStreamer(RouterChatClients router, TimeProvider time)
{
    public async Task<ChatTurn> AnswerAsync(Tenant tenant, string modelGroup, IReadOnlyList<ChatTurn> history, Action<string> onText, CancellationToken cancellationToken)
    {
        var client = router.ChatClient(modelGroup, tenant.ApiKey);
        var messages = history.Select(t => new ChatMessage(t.Role == ChatTurn.User ? ChatRole.User : ChatRole.Assistant, t.Text)).ToList();
        var capture = RouteCapture.Begin();
        var started = time.GetTimestamp();
        double? firstToken = null;
        var finished = false;
        var text = new System.Text.StringBuilder();
        string? error = null;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, cancellationToken: cancellationToken))
            {
                if (update.Text is { Length: > 0 } chunk)
                {
                    firstToken ??= time.GetElapsedTime(started).TotalMilliseconds;
                    text.Append(chunk);
                    onText(chunk);
                }

                finished |= update.FinishReason is not null;
            }

            if (!finished)
            {
                // The Router ends a stream that broke after tokens were sent with an error event and no finish reason.
                error = "The answer was cut off: the stream ended before it finished.";
            }
        }
        catch (ClientResultException e)
        {
            error = $"{e.Status}: {e.Message}";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }
        catch (IOException e)
        {
            error = e.Message;
        }

        return new ChatTurn(ChatTurn.Assistant, text.ToString(),
            new AnswerDetails(capture.ServedBy, firstToken, time.GetElapsedTime(started).TotalMilliseconds, error));
    }
}
