using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Anthropic;

/// <summary>
/// Where <see cref="MessagesStreamResult"/> writes Anthropic's stream events: the transport is the door's
/// (Server-Sent Events, or Bedrock's event-stream chunks), the events are the same.
/// </summary>
public interface IMessagesEventSink
{
    /// <summary>Writes one event and flushes it.</summary>
    Task EventAsync<T>(string eventType, T payload, JsonTypeInfo<T> type, CancellationToken cancellation);

    /// <summary>Writes <c>message_stop</c>, the last event of a stream that ended well; <paramref name="usage"/> is message_delta's.</summary>
    Task StopAsync(MessageUsage usage, CancellationToken cancellation);

    /// <summary>Writes the error a stream ends on instead of <c>message_stop</c>.</summary>
    Task ErrorAsync(RoutingException error, CancellationToken cancellation);
}
