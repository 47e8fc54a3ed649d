using Switchyard.SampleApp.RouterClient;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>What happened to one request of a scenario, as recorded by the client.</summary>
public sealed record RequestResult(
    int Index,
    PlannedRequest Request,
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    int StatusCode,
    ServedBy? ServedBy,
    string? ResponseModel,
    string? Error = null)
{
    public bool Succeeded => Error is null && StatusCode is >= 200 and < 300;

    public bool RateLimited => StatusCode == 429;
}
