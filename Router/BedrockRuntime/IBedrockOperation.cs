using Microsoft.Extensions.AI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// One request to a Bedrock Runtime operation (Converse, or InvokeModel of a model family): how its body becomes
/// the core's <see cref="RouteRequest"/> and how the core's answer goes back in the operation's shape. Everything
/// between (authentication, admission, routing, failover, the lifetime) is the door's, the same for each.
/// </summary>
internal interface IBedrockOperation
{
    /// <summary>Reads and maps the body; a <see cref="RoutingException"/> for a body that is not the operation's.</summary>
    Task<RouteRequest> ReadAsync(HttpContext http, RoutingTable table, ModelGroup group);

    /// <summary>The answer of a request that was not streamed.</summary>
    IResult Answer(ChatResponse answer, ChatRequestLifetime lifetime, long started);

    /// <summary>The result that writes a routed stream as the operation's event stream, and ends the lifetime.</summary>
    IResult Stream(RoutedStream stream, ChatRequestLifetime lifetime, long started);
}
