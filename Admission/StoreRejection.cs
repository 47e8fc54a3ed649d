namespace Switchyard.Admission;

/// <summary>The admission scripts' refusal codes (<see cref="AdmissionScripts.Admit"/>, <see cref="AdmissionScripts.Block"/>) as a client sees them.</summary>
internal static class StoreRejection
{
    /// <summary>The reason and when a retry can succeed (budgets: the next UTC day or month); null for a code that is no refusal.</summary>
    public static (RejectionReason Reason, TimeSpan RetryAfter)? Of(long code, long retryMs, DateTimeOffset now) => code switch
    {
        1 => (RejectionReason.RequestsPerMinute, TimeSpan.FromMilliseconds(retryMs)),
        2 => (RejectionReason.TokensPerMinute, TimeSpan.FromMilliseconds(retryMs)),
        3 => (RejectionReason.Concurrency, TimeSpan.FromMilliseconds(retryMs)),
        4 => (RejectionReason.DailyTokenBudget, now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime),
        5 => (RejectionReason.MonthlySpendBudget, new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1) - now.UtcDateTime),
        _ => null,
    };
}
