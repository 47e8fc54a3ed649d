using Microsoft.Extensions.AI;
using Switchyard.Router.Providers.Bedrock;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>Converse and ConverseStream: the same body, answered as a Converse response or ConverseStream's events.</summary>
internal sealed class ConverseOperation(TimeProvider clock) : IBedrockOperation
{
    public async Task<RouteRequest> ReadAsync(HttpContext http, RoutingTable table, ModelGroup group) =>
        ConverseRouteMapper.Map(await ConverseRequestReader.ReadAsync(http, table.Options.MaxRequestBodyBytes, ConverseJsonContext.Default.ConverseRequest), group);

    public IResult Answer(ChatResponse answer, ChatRequestLifetime lifetime, long started) =>
        TypedResults.Json(ConverseAnswerMapper.ToResponse(answer, (long)clock.GetElapsedTime(started).TotalMilliseconds), ConverseJsonContext.Default.ConverseResponse);

    public IResult Stream(RoutedStream stream, ChatRequestLifetime lifetime, long started) => new ConverseStreamResult(stream, lifetime, started, EventStreamWriter.For);
}
