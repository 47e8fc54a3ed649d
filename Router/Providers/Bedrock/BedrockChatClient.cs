using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.Bedrock;

/// <summary>
/// Converse / ConverseStream for one model (or inference profile) in one account and Region, over an
/// HttpClient whose handler signs with SigV4. Stands where the official AWSSDK.BedrockRuntime
/// IChatClient would, so the two can be swapped. An answer it cannot read (bad JSON, a frame failing its
/// CRC) is a retryable <see cref="FailureKind.ServerError"/>: another deployment may well answer.
/// </summary>
internal sealed class BedrockChatClient(HttpClient http, Uri regionEndpoint, UpstreamHttpVersion version, string modelId, TimeProvider clock) : IChatClient
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly Uri _converseUri = new(regionEndpoint, $"model/{Uri.EscapeDataString(modelId)}/converse");
    private readonly Uri _converseStreamUri = new(regionEndpoint, $"model/{Uri.EscapeDataString(modelId)}/converse-stream");
    private readonly ChatClientMetadata _metadata = new("aws.bedrock", regionEndpoint, modelId);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(_converseUri, messages, options, HttpCompletionOption.ResponseContentRead, cancellationToken);
        ConverseResponse body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(ConverseJsonContext.Default.ConverseResponse, cancellationToken)
                ?? throw new ProviderException(FailureKind.ServerError, (int)response.StatusCode, "EmptyResponse", "Bedrock answered with an empty body.");
        }
        catch (JsonException e)
        {
            throw InvalidResponse((int)response.StatusCode, e);
        }

        var blocks = body.Output?.Message?.Content ?? [];
        // An answer through the response-format tool is the whole answer: text the model wrote around it would break the JSON.
        var answeredByTool = blocks.Any(b => b.ToolUse?.Name == ConverseRequestMapper.ResponseToolName);
        var contents = blocks.Where(b => !answeredByTool || b.Text is null).Select(MapOutput).OfType<AIContent>().ToList();
        var calledTools = contents.Any(c => c is FunctionCallContent);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ModelId = modelId,
            FinishReason = MapStopReason(body.StopReason, calledTools),
            Usage = ConverseRequestMapper.MapUsage(body.Usage),
            CreatedAt = clock.GetUtcNow(),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(_converseStreamUri, messages, options, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new EventStreamReader(body);

        var state = new StreamState();
        while (await ReadFrameAsync(reader, cancellationToken) is { } frame)
        {
            var headers = frame.Headers;
            var messageType = headers.TryGetValue(":message-type", out var mt) ? mt.AsString() : "event";
            if (messageType != "event")
            {
                var exceptionType = headers.TryGetValue(":exception-type", out var et) ? et.AsString() : messageType;
                throw BedrockErrors.FromStreamException(exceptionType, frame.Payload);
            }

            var eventType = headers.TryGetValue(":event-type", out var ev) ? ev.AsString() : "";
            ChatResponseUpdate? update;
            try
            {
                update = ReadEvent(eventType, frame.Payload, state);
            }
            catch (JsonException e)
            {
                throw InvalidResponse(200, e);
            }

            if (update is not null)
            {
                update.ModelId = modelId;
                yield return update;
            }
        }
    }

    private static ChatResponseUpdate? ReadEvent(string eventType, byte[] payload, StreamState state) =>
        eventType switch
        {
            "contentBlockDelta" => OnDelta(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.ContentBlockDeltaEvent), state),
            "contentBlockStart" => OnStart(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.ContentBlockStartEvent), state),
            "contentBlockStop" => OnStop(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.ContentBlockStopEvent), state),
            "messageStop" => new ChatResponseUpdate(ChatRole.Assistant, (string?)null)
            {
                FinishReason = MapStopReason(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.MessageStopEvent)?.StopReason, state.CalledTools),
            },
            "metadata" => JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.MetadataEvent)?.Usage is { } usage
                ? new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(ConverseRequestMapper.MapUsage(usage)!)])
                : null,
            _ => null, // messageStart carries only the role.
        };

    /// <summary>
    /// A model that answered through the response-format tool (and called no real tool) has finished its
    /// answer, not asked for tools: the client sees "stop".
    /// </summary>
    private static ChatFinishReason? MapStopReason(string? stopReason, bool calledTools) =>
        stopReason == "tool_use" && !calledTools ? ChatFinishReason.Stop : ConverseRequestMapper.MapStopReason(stopReason);

    /// <summary>
    /// What a stream has open: tool-use blocks, whose input arrives as JSON fragments and is emitted whole at
    /// the block's end, and response-format blocks, whose input fragments are the answer's text as they come.
    /// </summary>
    private sealed class StreamState
    {
        public Dictionary<int, (string Id, string Name, StringBuilder Input)> ToolBlocks { get; } = [];

        public HashSet<int> ResponseBlocks { get; } = [];

        public bool CalledTools { get; set; }
    }

    private static ProviderException InvalidResponse(int status, JsonException e) =>
        new(FailureKind.ServerError, status, "InvalidResponse", $"Bedrock answered JSON that does not read as Converse: {e.Message}", inner: e);

    private static async ValueTask<EventStreamMessage?> ReadFrameAsync(EventStreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken);
        }
        // A frame failing its CRC (EventStreamChecksumFailureException) or its header encoding is a broken stream too.
        catch (Exception e) when (e is IOException or InvalidDataException or HttpRequestException or EventStreamChecksumFailureException or EventStreamParseException
            && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderException(FailureKind.ServerError, 200, "StreamBroken", $"Bedrock stream broke: {e.Message}", inner: e);
        }
    }

    private static ChatResponseUpdate? OnDelta(ContentBlockDeltaEvent? delta, StreamState state)
    {
        if (delta?.Delta?.Text is { } text)
        {
            return new ChatResponseUpdate(ChatRole.Assistant, text);
        }

        if (delta?.Delta?.ToolUse?.Input is not { } fragment)
        {
            return null;
        }

        if (state.ResponseBlocks.Contains(delta.ContentBlockIndex))
        {
            return fragment.Length > 0 ? new ChatResponseUpdate(ChatRole.Assistant, fragment) : null;
        }

        if (state.ToolBlocks.TryGetValue(delta.ContentBlockIndex, out var block))
        {
            block.Input.Append(fragment);
        }

        return null;
    }

    private static ChatResponseUpdate? OnStart(ContentBlockStartEvent? start, StreamState state)
    {
        if (start?.Start?.ToolUse is { } toolUse)
        {
            if (toolUse.Name == ConverseRequestMapper.ResponseToolName)
            {
                state.ResponseBlocks.Add(start.ContentBlockIndex);
            }
            else
            {
                state.ToolBlocks[start.ContentBlockIndex] = (toolUse.ToolUseId, toolUse.Name, new StringBuilder());
            }
        }

        return null;
    }

    private static ChatResponseUpdate? OnStop(ContentBlockStopEvent? stop, StreamState state)
    {
        if (stop is null || !state.ToolBlocks.Remove(stop.ContentBlockIndex, out var block))
        {
            return null;
        }

        state.CalledTools = true;
        var input = block.Input.Length == 0 ? "{}" : block.Input.ToString();
        return new ChatResponseUpdate(ChatRole.Assistant, [FunctionCallContent.CreateFromParsedArguments(input, block.Id, block.Name, ParseArguments)]);
    }

    private static IDictionary<string, object?>? ParseArguments(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions);

    private static AIContent? MapOutput(ConverseContentBlock block) => block switch
    {
        { Text: { } text } => new TextContent(text),
        { ToolUse: { Name: ConverseRequestMapper.ResponseToolName } response } => new TextContent(response.Input.GetRawText()),
        { ToolUse: { } toolUse } => new FunctionCallContent(toolUse.ToolUseId, toolUse.Name,
            toolUse.Input.ValueKind == JsonValueKind.Object ? toolUse.Input.Deserialize<Dictionary<string, object?>>(AIJsonUtilities.DefaultOptions) : null),
        _ => null,
    };

    private async Task<HttpResponseMessage> SendAsync(Uri uri, IEnumerable<ChatMessage> messages, ChatOptions? options, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var payload = UpstreamJson.Serialize(ConverseRequestMapper.Map(messages, options, modelId), ConverseJsonContext.Default.ConverseRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(payload) { Headers = { ContentType = JsonMediaType } },
        };
        version.Apply(request);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw BedrockErrors.ConnectionFailure(e);
        }

        if (BedrockErrors.IsSuccess(response.StatusCode))
        {
            return response;
        }

        using (response)
        {
            throw await BedrockErrors.FromResponseAsync(response, clock, cancellationToken);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The HttpClient is shared per account and Region and owned by BedrockProvider.
    }
}
