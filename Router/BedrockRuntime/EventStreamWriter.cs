using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime.EventStreams;
using System.Text.Json;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Writes <c>application/vnd.amazon.eventstream</c> frames (prelude, headers, payload, CRCs) with AWSSDK.Core's
/// <see cref="EventStreamMessage"/>, the codec the AWS SDK for .NET reads them with: events
/// (<c>:message-type</c> event) and in-stream exceptions (<c>:message-type</c> exception). Each frame is flushed
/// as it is written: a stream is not buffered.
/// </summary>
internal sealed class EventStreamWriter(Stream body) : IConverseEventSink
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    /// <summary>Sets the response's content type and returns the writer of its body.</summary>
    public static EventStreamWriter For(HttpContext http)
    {
        http.Response.ContentType = ContentType;
        return new EventStreamWriter(http.Response.Body);
    }

    public Task EventAsync<T>(string eventType, T payload, JsonTypeInfo<T> type, CancellationToken cancellation) =>
        WriteAsync([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")],
            JsonSerializer.SerializeToUtf8Bytes(payload, type), cancellation);

    public Task ExceptionAsync(BedrockError error, CancellationToken cancellation) =>
        WriteAsync([(":exception-type", error.StreamEventType), (":content-type", "application/json"), (":message-type", "exception")],
            JsonSerializer.SerializeToUtf8Bytes(new Providers.Bedrock.AwsErrorBody { Message = error.Message }, Providers.Bedrock.ConverseJsonContext.Default.AwsErrorBody),
            cancellation);

    private async Task WriteAsync((string Name, string Value)[] headers, byte[] payload, CancellationToken cancellation)
    {
        var frame = new EventStreamMessage([.. headers.Select(static h =>
        {
            var header = new EventStreamHeader(h.Name);
            header.SetString(h.Value);
            return (IEventStreamHeader)header;
        })], payload).ToByteArray();
        await body.WriteAsync(frame, cancellation);
        await body.FlushAsync(cancellation);
    }
}
