using System.Text.Json.Serialization;

namespace Switchyard.Admission;

public enum RejectionReason
{
    [JsonStringEnumMemberName("requests_per_minute")]
    RequestsPerMinute,

    [JsonStringEnumMemberName("tokens_per_minute")]
    TokensPerMinute,

    [JsonStringEnumMemberName("concurrency")]
    Concurrency,

    [JsonStringEnumMemberName("daily_token_budget")]
    DailyTokenBudget,

    [JsonStringEnumMemberName("monthly_spend_budget")]
    MonthlySpendBudget,

    [JsonStringEnumMemberName("model_not_allowed")]
    ModelNotAllowed,
}
