namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Where <see cref="ConverseStreamResult"/> writes Converse's stream events (messageStart, contentBlockDelta…,
/// metadata): event-stream frames of their own for ConverseStream, or Nova's InvokeModelWithResponseStream chunks.
/// </summary>
internal interface IConverseEventSink
{
    /// <summary>Writes one event and flushes it.</summary>
    Task EventAsync<T>(string eventType, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellation);

    /// <summary>Writes the in-stream exception a stream ends on.</summary>
    Task ExceptionAsync(BedrockError error, CancellationToken cancellation);
}
