using Switchyard.Router.Anthropic;
using Switchyard.Router.BedrockRuntime;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Apis;

/// <summary>
/// Which door's error shape a request gets when the error arises outside any door's endpoint (unknown
/// URL, wrong method, unhandled exception): Anthropic's and Bedrock's under their paths, OpenAI's
/// everywhere else, as before there were other doors.
/// </summary>
public static class ApiErrors
{
    public static IResult Result(HttpContext http, RoutingException error) =>
        MessagesApi.Owns(http.Request.Path) ? AnthropicErrorResult.From(error)
        : BedrockRuntimeApi.Owns(http.Request.Path) ? BedrockErrorResult.From(error)
        : OpenAIErrorResult.From(error);

    /// <summary>What the door at this path serves, for a 404's message.</summary>
    public static string ServedPaths(HttpContext http) => MessagesApi.Owns(http.Request.Path)
        ? "The Router's Anthropic door serves POST /v1/messages and POST /v1/messages/count_tokens, also without /v1."
        : "The Router serves POST /v1/chat/completions and GET /v1/models, also without /v1; Anthropic's POST /v1/messages; Bedrock's POST /model/{modelId}/converse and /converse-stream.";
}
