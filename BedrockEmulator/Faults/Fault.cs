namespace Switchyard.BedrockEmulator.Faults;

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
