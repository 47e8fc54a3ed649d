using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Anthropic;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// InvokeModel / InvokeModelWithResponseStream for a Claude group: the body is Anthropic's Messages body as
/// Bedrock takes it (<c>anthropic_version</c> required, the model from the URL), read, validated and mapped by
/// the Anthropic door's own reader and mapper, and answered in the Anthropic door's shapes.
/// </summary>
internal sealed class ClaudeInvokeOperation(TimeProvider clock) : IBedrockOperation
{
    private readonly string _id = $"msg_bdrk_{Guid.NewGuid():N}";
    private long _inputTokens;

    public async Task<RouteRequest> ReadAsync(HttpContext http, RoutingTable table, ModelGroup group)
    {
        var wire = await JsonRequestReader.ReadAsync(http, table.Options.MaxRequestBodyBytes, AnthropicJsonContext.Default.MessagesRequest,
            "an Anthropic Claude request", CheckVersion);
        wire.Model = group.Name;
        var mapped = MessagesRequestMapper.Map(wire, name => table.Groups.TryGetValue(name, out var found) ? found.MaxOutputTokens : null);
        _inputTokens = mapped.InputTokens;
        return mapped.Request;
    }

    public IResult Answer(ChatResponse answer, ChatRequestLifetime lifetime, long started)
    {
        var message = MessagesResponseMapper.ToMessage(_id, lifetime.Route!.Deployment.Options.Model, answer, _inputTokens);
        return new InvokeModelResult(TypedResults.Json(message, AnthropicJsonContext.Default.MessageResponse),
            message.Usage.InputTokens, message.Usage.OutputTokens, (long)clock.GetElapsedTime(started).TotalMilliseconds);
    }

    public IResult Stream(RoutedStream stream, ChatRequestLifetime lifetime, long started) =>
        new MessagesStreamResult(_id, stream, lifetime, _inputTokens, http => new ClaudeChunkSink(new InvokeChunkWriter(http, started)));

    /// <summary>Bedrock refuses a Claude body without <c>anthropic_version</c> (bedrock-2023-05-31 is the one it documents).</summary>
    private static void CheckVersion(JsonElement body, HttpResponse response)
    {
        if (!body.TryGetProperty("anthropic_version", out var version) || version.ValueKind != JsonValueKind.String)
        {
            throw RoutingException.InvalidRequest("Malformed input request: anthropic_version is required, a string such as \"bedrock-2023-05-31\".", "anthropic_version");
        }
    }
}
