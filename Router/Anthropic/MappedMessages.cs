using Switchyard.Router.Routing;

namespace Switchyard.Router.Anthropic;

/// <summary>A mapped Messages request and its input token estimate (what count_tokens answers).</summary>
public sealed record MappedMessages(RouteRequest Request, long InputTokens);
