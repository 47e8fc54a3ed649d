namespace Switchyard.Router.Telemetry;

/// <summary>
/// One deployment's latency as the latency gauges report it: its time to first token at p50, p95 and p99 in
/// milliseconds (null before it has any) and the first-token deadline they give it now.
/// </summary>
public readonly record struct DeploymentLatencyReading(string Deployment, double? P50Ms, double? P95Ms, double? P99Ms, TimeSpan FirstTokenDeadline);
