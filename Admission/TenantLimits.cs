namespace Switchyard.Admission;

/// <summary>A tenant's limits; null means unlimited.</summary>
public sealed record TenantLimits
{
    public long? RequestsPerMinute { get; init; }

    /// <summary>Input plus output tokens per rolling minute, reserved at admission and settled to actual use.</summary>
    public long? TokensPerMinute { get; init; }

    public int? MaxConcurrency { get; init; }

    /// <summary>Tokens per UTC day.</summary>
    public long? DailyTokenBudget { get; init; }

    /// <summary>Spend per UTC calendar month, from the deployments' prices reported at settlement.</summary>
    public decimal? MonthlySpendBudgetUsd { get; init; }

    internal IEnumerable<string> Validate()
    {
        const long max = AdmissionBounds.MaxLimit;
        if (RequestsPerMinute is <= 0 or > max) yield return $"limits.requestsPerMinute must be between 1 and {max}.";
        if (TokensPerMinute is <= 0 or > max) yield return $"limits.tokensPerMinute must be between 1 and {max}.";
        if (MaxConcurrency is <= 0) yield return "limits.maxConcurrency must be positive.";
        if (DailyTokenBudget is <= 0 or > max) yield return $"limits.dailyTokenBudget must be between 1 and {max}.";
        if (MonthlySpendBudgetUsd is <= 0 or > AdmissionBounds.MaxMonthlySpendUsd)
        {
            yield return $"limits.monthlySpendBudgetUsd must be positive and at most {AdmissionBounds.MaxMonthlySpendUsd}.";
        }
    }
}
