using Microsoft.Extensions.AI;

namespace Switchyard.Router.Routing;

/// <summary>A client request, parsed and validated, ready to route.</summary>
/// <param name="ModelGroup">The model group the client named.</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">Generation options passed to the provider.</param>
/// <param name="ReservedTokens">Input estimate plus max output tokens, reserved against tpm before sending.</param>
/// <param name="AllowedDeployments">When the tenant is pinned to dedicated deployments or accounts, only these may serve; null = any.</param>
/// <param name="CapacityShare">Share of each deployment's rpm/tpm this request may fill: lower tiers get less, so they are shed first near capacity.</param>
public sealed record RouteRequest(
    string ModelGroup,
    IReadOnlyList<ChatMessage> Messages,
    ChatOptions Options,
    int ReservedTokens,
    IReadOnlySet<string>? AllowedDeployments = null,
    double CapacityShare = 1.0);
