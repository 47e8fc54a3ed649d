using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

public sealed record RateLimitsView(
    long? LimitRequests, long? RemainingRequests, long ResetRequestsMs, long? LimitTokens, long? RemainingTokens, long ResetTokensMs)
{
    public static RateLimitsView From(RateLimitSnapshot snapshot) => new(
        snapshot.LimitRequests, snapshot.RemainingRequests, (long)snapshot.ResetRequests.TotalMilliseconds,
        snapshot.LimitTokens, snapshot.RemainingTokens, (long)snapshot.ResetTokens.TotalMilliseconds);
}
