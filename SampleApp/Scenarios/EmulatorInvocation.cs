namespace Switchyard.SampleApp.Scenarios;

/// <summary>One entry of the BedrockEmulator's invocation log (GET /admin/invocations).</summary>
public sealed record EmulatorInvocation(
    DateTimeOffset Time,
    string RequestId,
    string? Account,
    string Region,
    string SourceRegion,
    string? ModelId,
    string RequestedModel,
    string Api,
    int InputTokens,
    int OutputTokens,
    string Outcome,
    int StatusCode,
    long LatencyMs)
{
    public bool Succeeded => Outcome == "success";
}
