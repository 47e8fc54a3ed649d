using Switchyard.SampleApp.RouterClient;
using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Tests;

/// <summary>Builders for recorded per-request results and invocation-log entries, as a scenario run would collect them.</summary>
internal static class Recorded
{
    public static readonly DateTimeOffset T0 = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static ServedBy Served(string deployment, string region = "us-east-1", string account = "primary",
        string model = ReferenceNames.SonnetProfile, string modelGroup = "g", int attempts = 1, bool fallback = false) =>
        new(deployment, region, account, model, "bedrock", modelGroup, attempts, fallback, "0af7651916cd43dd8448eb211c80319c");

    public static RequestResult Ok(int index, string modelGroup, ServedBy served, string? responseModel = null, string? label = null,
        double seconds = 0, double elapsedMs = 800) =>
        new(index, new PlannedRequest(modelGroup, ReferenceNames.DemoKey, label), T0.AddSeconds(seconds), TimeSpan.FromMilliseconds(elapsedMs),
            200, served, responseModel ?? served.Model);

    public static RequestResult Failed(int index, string modelGroup, int status, string? label = null, double seconds = 0) =>
        new(index, new PlannedRequest(modelGroup, ReferenceNames.DemoKey, label), T0.AddSeconds(seconds), TimeSpan.FromMilliseconds(50),
            status, null, null, $"HTTP {status}");

    public static EmulatorInvocation Invocation(string region, string account = "primary", string outcome = "success") =>
        new(T0, Guid.NewGuid().ToString(), account, region, "us-east-1", "anthropic.claude-sonnet-4-6", ReferenceNames.SonnetProfile,
            "Converse", 20, 30, outcome, outcome == "success" ? 200 : 429, 700);
}
