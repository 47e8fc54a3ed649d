using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing;

/// <summary>
/// The hedge budget: every request deposits <see cref="HedgingOptions.BudgetRatio"/>, time deposits
/// <see cref="HedgingOptions.BudgetMinPerSecond"/> per second, every hedge withdraws one, so hedges never
/// add more than that share of upstream calls.
/// </summary>
public sealed class HedgeBudget(Func<HedgingOptions> options, TimeProvider clock)
    : RequestShareBudget(() => (options().BudgetRatio, options().BudgetMinPerSecond), clock);
