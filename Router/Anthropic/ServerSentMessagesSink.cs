using System.Collections.Frozen;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Anthropic;

/// <summary>Anthropic's stream events as Server-Sent Events: <c>event: &lt;type&gt;</c>, <c>data: &lt;the event's JSON&gt;</c>.</summary>
public sealed class ServerSentMessagesSink : IMessagesEventSink
{
    // Each event's "event:" line and the start of its "data:" line, encoded once.
    private static readonly FrozenDictionary<string, byte[]> EventLines = new[]
    {
        "message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "error",
    }.ToFrozenDictionary(type => type, type => Encoding.UTF8.GetBytes($"event: {type}\ndata: "));

    private readonly ServerSentEventWriter _events;

    private ServerSentMessagesSink(System.IO.Pipelines.PipeWriter body) => _events = new ServerSentEventWriter(body);

    /// <summary>Sets the response's content type and returns the sink that writes its body.</summary>
    public static IMessagesEventSink For(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        return new ServerSentMessagesSink(http.Response.BodyWriter);
    }

    public Task EventAsync<T>(string eventType, T payload, JsonTypeInfo<T> type, CancellationToken cancellation) =>
        _events.WriteAsync(EventLines.TryGetValue(eventType, out var line) ? line : Encoding.UTF8.GetBytes($"event: {eventType}\ndata: "), payload, type, cancellation);

    public Task StopAsync(MessageUsage usage, CancellationToken cancellation) =>
        EventAsync("message_stop", new MessageStopEvent(), AnthropicJsonContext.Default.MessageStopEvent, cancellation);

    public Task ErrorAsync(RoutingException error, CancellationToken cancellation) =>
        EventAsync("error", new AnthropicErrorResponse { Error = AnthropicErrorResult.From(error).Error }, AnthropicJsonContext.Default.AnthropicErrorResponse, cancellation);
}
