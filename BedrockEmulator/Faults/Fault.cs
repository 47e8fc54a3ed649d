using System.Text.Json.Serialization;

namespace Switchyard.BedrockEmulator.Faults;

[JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
internal enum FaultKind
{
    /// <summary>503 ServiceUnavailableException.</summary>
    [JsonStringEnumMemberName("outage")] Outage,

    /// <summary>500 InternalServerException with probability <c>rate</c>.</summary>
    [JsonStringEnumMemberName("error-rate")] ErrorRate,

    /// <summary>429 ThrottlingException with probability <c>rate</c>.</summary>
    [JsonStringEnumMemberName("throttle")] Throttle,

    /// <summary><c>latencyMs</c> more before the first token.</summary>
    [JsonStringEnumMemberName("latency")] Latency,

    /// <summary>No answer until the client gives up.</summary>
    [JsonStringEnumMemberName("hang")] Hang,

    /// <summary>A stream ends after <c>afterEvents</c> events with a modelStreamErrorException.</summary>
    [JsonStringEnumMemberName("stream-cut")] StreamCut,

    /// <summary>429 ModelNotReadyException.</summary>
    [JsonStringEnumMemberName("model-not-ready")] ModelNotReady,
}

/// <summary>
/// An injected fault. It applies to requests matching its Region (called in or served in), model
/// (base model, also through a profile, or the exact id called) and account name; an omitted one matches all.
/// </summary>
internal sealed record Fault(
    string Id,
    FaultKind Kind,
    string? Region,
    string? Model,
    string? Account,
    double Rate,
    int LatencyMs,
    int? AfterEvents,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt)
{
    public bool Matches(in FaultScope scope) =>
        (Region is null || Region == scope.SourceRegion || Region == scope.ServedRegion)
        && (Model is null || Model == scope.ModelId || Model == scope.RequestedModel)
        && (Account is null || Account == scope.Account);
}

/// <summary>What a request is, for fault matching.</summary>
internal readonly record struct FaultScope(string Account, string SourceRegion, string ServedRegion, string ModelId, string RequestedModel);
