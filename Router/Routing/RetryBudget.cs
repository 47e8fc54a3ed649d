using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing;

/// <summary>
/// A token bucket for retries (as Finagle and gRPC have): every first attempt deposits
/// <see cref="RetryOptions.BudgetRatio"/>, time deposits <see cref="RetryOptions.BudgetMinPerSecond"/>
/// per second, every retry or failover withdraws one. In an outage retries stop at ratio x traffic
/// instead of multiplying upstream load by the attempt count. Lock-free: it is on every request's path.
/// </summary>
public sealed class RetryBudget(Func<RetryOptions> options, TimeProvider clock)
{
    // Balance in millitokens, so deposits of a fraction of a token stay integral for Interlocked.
    private const long Scale = 1000;

    private long _balance = options().BudgetMinPerSecond * Scale;
    private long _lastRefill = clock.GetTimestamp();

    public void OnFirstAttempt()
    {
        var retry = options();
        Refill(retry);
        Add((long)(retry.BudgetRatio * Scale), Capacity(retry));
    }

    public bool TryWithdraw()
    {
        Refill(options());
        while (true)
        {
            var balance = Volatile.Read(ref _balance);
            if (balance < Scale)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _balance, balance - Scale, balance) == balance)
            {
                return true;
            }
        }
    }

    private void Refill(RetryOptions retry)
    {
        var now = clock.GetTimestamp();
        var last = Volatile.Read(ref _lastRefill);
        var earned = (long)(clock.GetElapsedTime(last, now).TotalSeconds * retry.BudgetMinPerSecond * Scale);
        // Only the caller that moves the refill mark credits the time it covered.
        if (earned > 0 && Interlocked.CompareExchange(ref _lastRefill, now, last) == last)
        {
            Add(earned, Capacity(retry));
        }
    }

    private void Add(long amount, long capacity)
    {
        while (true)
        {
            var balance = Volatile.Read(ref _balance);
            var updated = Math.Min(capacity, balance + amount);
            if (updated == balance || Interlocked.CompareExchange(ref _balance, updated, balance) == balance)
            {
                return;
            }
        }
    }

    // Up to ten seconds' worth of retries may be saved up.
    private static long Capacity(RetryOptions retry) => (long)(Math.Max(1, retry.BudgetMinPerSecond * 10 + retry.BudgetRatio * 100) * Scale);
}
