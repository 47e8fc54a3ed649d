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
internal sealed class BedrockChatClient(HttpClient http, Uri regionEndpoint, string modelId, TimeProvider clock) : IChatClient
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

        var message = new ChatMessage(ChatRole.Assistant, body.Output?.Message?.Content.Select(MapOutput).OfType<AIContent>().ToList() ?? []);
        return new ChatResponse(message)
        {
            ModelId = modelId,
            FinishReason = ConverseRequestMapper.MapStopReason(body.StopReason),
            Usage = ConverseRequestMapper.MapUsage(body.Usage),
            CreatedAt = clock.GetUtcNow(),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(_converseStreamUri, messages, options, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new EventStreamReader(body);

        // Tool-use input arrives as JSON fragments per content block; it is emitted whole at the block's end.
        Dictionary<int, (string Id, string Name, StringBuilder Input)>? toolBlocks = null;
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
                update = ReadEvent(eventType, frame.Payload, ref toolBlocks);
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

    private static ChatResponseUpdate? ReadEvent(string eventType, byte[] payload, ref Dictionary<int, (string Id, string Name, StringBuilder Input)>? toolBlocks) =>
        eventType switch
        {
            "contentBlockDelta" => OnDelta(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.ContentBlockDeltaEvent), toolBlocks),
            "contentBlockStart" => OnStart(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.ContentBlockStartEvent), ref toolBlocks),
            "contentBlockStop" => OnStop(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.ContentBlockStopEvent), toolBlocks),
            "messageStop" => new ChatResponseUpdate(ChatRole.Assistant, (string?)null)
            {
                FinishReason = ConverseRequestMapper.MapStopReason(JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.MessageStopEvent)?.StopReason),
            },
            "metadata" => JsonSerializer.Deserialize(payload, ConverseJsonContext.Default.MetadataEvent)?.Usage is { } usage
                ? new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(ConverseRequestMapper.MapUsage(usage)!)])
                : null,
            _ => null, // messageStart carries only the role.
        };

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

    private static ChatResponseUpdate? OnDelta(ContentBlockDeltaEvent? delta, Dictionary<int, (string Id, string Name, StringBuilder Input)>? toolBlocks)
    {
        if (delta?.Delta?.Text is { } text)
        {
            return new ChatResponseUpdate(ChatRole.Assistant, text);
        }

        if (delta?.Delta?.ToolUse?.Input is { } fragment && toolBlocks is not null && toolBlocks.TryGetValue(delta.ContentBlockIndex, out var block))
        {
            block.Input.Append(fragment);
        }

        return null;
    }

    private static ChatResponseUpdate? OnStart(ContentBlockStartEvent? start, ref Dictionary<int, (string Id, string Name, StringBuilder Input)>? toolBlocks)
    {
        if (start?.Start?.ToolUse is { } toolUse)
        {
            (toolBlocks ??= [])[start.ContentBlockIndex] = (toolUse.ToolUseId, toolUse.Name, new StringBuilder());
        }

        return null;
    }

    private static ChatResponseUpdate? OnStop(ContentBlockStopEvent? stop, Dictionary<int, (string Id, string Name, StringBuilder Input)>? toolBlocks)
    {
        if (stop is null || toolBlocks is null || !toolBlocks.Remove(stop.ContentBlockIndex, out var block))
        {
            return null;
        }

        var input = block.Input.Length == 0 ? "{}" : block.Input.ToString();
        return new ChatResponseUpdate(ChatRole.Assistant, [FunctionCallContent.CreateFromParsedArguments(input, block.Id, block.Name, ParseArguments)]);
    }

    private static IDictionary<string, object?>? ParseArguments(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions);

    private static AIContent? MapOutput(ConverseContentBlock block) => block switch
    {
        { Text: { } text } => new TextContent(text),
        { ToolUse: { } toolUse } => new FunctionCallContent(toolUse.ToolUseId, toolUse.Name,
            toolUse.Input.ValueKind == JsonValueKind.Object ? toolUse.Input.Deserialize<Dictionary<string, object?>>(AIJsonUtilities.DefaultOptions) : null),
        _ => null,
    };

    private async Task<HttpResponseMessage> SendAsync(Uri uri, IEnumerable<ChatMessage> messages, ChatOptions? options, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(ConverseRequestMapper.Map(messages, options, modelId), ConverseJsonContext.Default.ConverseRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(payload) { Headers = { ContentType = JsonMediaType } },
        };

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
