using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing;

/// <summary>
/// A token bucket for retries (as Finagle and gRPC have): every first attempt deposits
/// <see cref="RetryOptions.BudgetRatio"/>, time deposits <see cref="RetryOptions.BudgetMinPerSecond"/>
/// per second, every retry or failover withdraws one. In an outage retries stop at ratio x traffic
/// instead of multiplying upstream load by the attempt count.
/// </summary>
public sealed class RetryBudget(Func<RetryOptions> options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private double _balance = options().BudgetMinPerSecond;
    private long _lastRefill = clock.GetTimestamp();

    public void OnFirstAttempt()
    {
        lock (_gate)
        {
            Refill(options());
            _balance = Math.Min(Capacity(options()), _balance + options().BudgetRatio);
        }
    }

    public bool TryWithdraw()
    {
        lock (_gate)
        {
            Refill(options());
            if (_balance < 1)
            {
                return false;
            }

            _balance -= 1;
            return true;
        }
    }

    private void Refill(RetryOptions retry)
    {
        var now = clock.GetTimestamp();
        var seconds = clock.GetElapsedTime(_lastRefill, now).TotalSeconds;
        _lastRefill = now;
        _balance = Math.Min(Capacity(retry), _balance + seconds * retry.BudgetMinPerSecond);
    }

    // Up to ten seconds' worth of retries may be saved up.
    private static double Capacity(RetryOptions retry) => Math.Max(1, retry.BudgetMinPerSecond * 10 + retry.BudgetRatio * 100);
}
