namespace Switchyard.BedrockEmulator.Invocations;

/// <summary>One request, as Bedrock's invocation logs would record it.</summary>
internal sealed record InvocationRecord(
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
    long LatencyMs);
