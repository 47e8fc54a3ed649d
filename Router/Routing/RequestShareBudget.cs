namespace Switchyard.Router.Routing;

/// <summary>
/// A token bucket for extra upstream calls (as Finagle and gRPC have for retries): every first attempt
/// deposits a ratio of a token, time deposits a minimum per second, every extra call withdraws one. In an
/// outage the extra calls stop at ratio x traffic instead of multiplying upstream load. Lock-free: it is
/// on every request's path.
/// </summary>
public abstract class RequestShareBudget(Func<(double Ratio, int MinPerSecond)> policy, TimeProvider clock)
{
    // Balance in millitokens, so deposits of a fraction of a token stay integral for Interlocked.
    private const long Scale = 1000;

    private long _balance = policy().MinPerSecond * Scale;
    private long _lastRefill = clock.GetTimestamp();

    public void OnFirstAttempt()
    {
        var current = policy();
        Refill(current);
        Add((long)(current.Ratio * Scale), Capacity(current));
    }

    public bool TryWithdraw()
    {
        Refill(policy());
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

    private void Refill((double Ratio, int MinPerSecond) current)
    {
        var now = clock.GetTimestamp();
        var last = Volatile.Read(ref _lastRefill);
        var earned = (long)(clock.GetElapsedTime(last, now).TotalSeconds * current.MinPerSecond * Scale);
        // Only the caller that moves the refill mark credits the time it covered.
        if (earned > 0 && Interlocked.CompareExchange(ref _lastRefill, now, last) == last)
        {
            Add(earned, Capacity(current));
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

    // Up to ten seconds' worth of extra calls may be saved up.
    private static long Capacity((double Ratio, int MinPerSecond) current) => (long)(Math.Max(1, current.MinPerSecond * 10 + current.Ratio * 100) * Scale);
}
