using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Whether to ask the quota store. After a failure nobody asks for a probe interval; then exactly one
/// caller probes (the others keep deciding locally) and its success restores the shared limits.
/// </summary>
internal sealed class StoreGate(TimeProvider clock, IOptionsMonitor<AdmissionOptions> options, ILogger<StoreGate> logger)
{
    // 0 while the store answers; otherwise the tick before which nobody asks it.
    private long _downUntil;

    public bool IsDown => Volatile.Read(ref _downUntil) != 0;

    /// <summary>Raised once each time the store answers again after a failure.</summary>
    public event Action? Recovered;

    public TimeSpan Timeout => options.CurrentValue.StoreTimeout;

    /// <summary>True when this caller should ask the store.</summary>
    public bool TryEnter()
    {
        var until = Volatile.Read(ref _downUntil);
        if (until == 0)
        {
            return true;
        }

        var now = clock.GetUtcNow().UtcTicks;
        return now >= until && Interlocked.CompareExchange(ref _downUntil, now + options.CurrentValue.ProbeInterval.Ticks, until) == until;
    }

    public void Succeeded()
    {
        if (Volatile.Read(ref _downUntil) != 0 && Interlocked.Exchange(ref _downUntil, 0) != 0)
        {
            logger.LogInformation("Quota store answers again; admissions use the shared limits");
            Recovered?.Invoke();
        }
    }

    public void Failed(Exception exception)
    {
        var until = (clock.GetUtcNow() + options.CurrentValue.ProbeInterval).UtcTicks;
        if (Interlocked.Exchange(ref _downUntil, until) == 0)
        {
            logger.LogWarning(exception, "Quota store unavailable; admissions use local limits (limit / replica count) until it answers");
        }
    }

    /// <summary>A failure that means "the store is not there", as opposed to a bug or a cancellation.</summary>
    public static bool IsStoreFailure(Exception exception) => exception is TimeoutException or RedisConnectionException;

    /// <summary>Runs one store call within the store timeout, recording the outcome; false when the store failed or was skipped.</summary>
    public async ValueTask<(bool Answered, T Result)> TryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        if (!TryEnter())
        {
            return (false, default!);
        }

        try
        {
            var result = await call().WaitAsync(Timeout, cancellationToken);
            Succeeded();
            return (true, result);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            Failed(e);
            return (false, default!);
        }
    }
}
