using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing;

/// <summary>A fallback step: the group to try and the failure triggers that lead there.</summary>
public sealed record Fallback(string Group, IReadOnlySet<FallbackTrigger> Triggers);
