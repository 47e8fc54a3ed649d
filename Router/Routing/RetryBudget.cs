using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing;

/// <summary>
/// The retry budget: every first attempt deposits <see cref="RetryOptions.BudgetRatio"/>, time deposits
/// <see cref="RetryOptions.BudgetMinPerSecond"/> per second, every retry or failover withdraws one.
/// </summary>
public sealed class RetryBudget(Func<RetryOptions> options, TimeProvider clock)
    : RequestShareBudget(() => (options().BudgetRatio, options().BudgetMinPerSecond), clock);
