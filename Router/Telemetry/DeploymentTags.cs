namespace Switchyard.Router.Telemetry;

/// <summary>
/// What names a deployment on spans and metrics: plain values, so telemetry knows nothing of the routing
/// types that carry them (the deployment builds its tags once, when the routing table is built).
/// </summary>
/// <param name="Provider">The OpenTelemetry gen_ai.provider.name.</param>
public sealed record DeploymentTags(string Name, string Model, string Provider, string? Region, string? Account)
{
    /// <summary>Its attempt spans' name, built once rather than per attempt.</summary>
    public string SpanName { get; } = $"chat {Model}";
}
