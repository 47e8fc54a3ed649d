using Microsoft.Extensions.AI;
using Switchyard.Router.Providers.Bedrock;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// InvokeModel / InvokeModelWithResponseStream for a Nova group: Nova's body is Converse's messages, system and
/// tool configuration with its own inferenceConfig, so it is mapped by the Converse mapper, and answered as
/// Converse answers (without metrics) or as Converse's stream events in chunks.
/// </summary>
internal sealed class NovaInvokeOperation(TimeProvider clock) : IBedrockOperation
{
    public const string SchemaVersion = "messages-v1";

    public async Task<RouteRequest> ReadAsync(HttpContext http, RoutingTable table, ModelGroup group)
    {
        var nova = await ConverseRequestReader.ReadAsync(http, table.Options.MaxRequestBodyBytes, NovaJsonContext.Default.NovaRequest);
        var config = nova.InferenceConfig;
        if (nova.SchemaVersion is not (null or SchemaVersion))
        {
            throw RoutingException.InvalidRequest($"Malformed input request: schemaVersion must be '{SchemaVersion}'.", "schemaVersion");
        }

        if (config is { MaxTokens: not null, MaxNewTokens: not null })
        {
            throw RoutingException.InvalidRequest("Malformed input request: inferenceConfig takes maxTokens or max_new_tokens, not both.", "inferenceConfig");
        }

        if (config?.TopK is < 0)
        {
            throw RoutingException.InvalidRequest("Malformed input request: inferenceConfig.topK must be at least 0.", "inferenceConfig.topK");
        }

        var request = ConverseRouteMapper.Map(new ConverseRequest
        {
            Messages = nova.Messages!,
            System = nova.System,
            InferenceConfig = config is null ? null : new InferenceConfiguration
            {
                MaxTokens = config.MaxTokens ?? config.MaxNewTokens,
                Temperature = config.Temperature,
                TopP = config.TopP,
                StopSequences = config.StopSequences,
            },
            ToolConfig = nova.ToolConfig,
        }, group);
        // Converse has no topK member (it goes in additionalModelRequestFields there); the core takes it as an option.
        request.Options.TopK = config?.TopK;
        return request;
    }

    public IResult Answer(ChatResponse answer, ChatRequestLifetime lifetime, long started)
    {
        var latencyMs = (long)clock.GetElapsedTime(started).TotalMilliseconds;
        var converse = ConverseAnswerMapper.ToResponse(answer, latencyMs);
        return new InvokeModelResult(TypedResults.Json(new NovaResponse { Output = converse.Output!, StopReason = converse.StopReason!, Usage = converse.Usage! }, NovaJsonContext.Default.NovaResponse),
            converse.Usage!.InputTokens, converse.Usage.OutputTokens, latencyMs);
    }

    public IResult Stream(RoutedStream stream, ChatRequestLifetime lifetime, long started) =>
        new ConverseStreamResult(stream, lifetime, started, http => new NovaChunkSink(new InvokeChunkWriter(http, started)));
}
