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

    /// <summary>
    /// A failure that means "the store cannot serve us", as opposed to a bug or a cancellation: no answer
    /// in time, no connection, an error reply (OOM, READONLY, BUSY, LOADING, MASTERDOWN, or a script
    /// meeting a key of the wrong type) or data it holds that cannot be read.
    /// </summary>
    public static bool IsStoreFailure(Exception exception) =>
        exception is TimeoutException or RedisConnectionException or RedisServerException or StoreDataException;

    /// <summary>
    /// Runs one store call within the store timeout (or <paramref name="timeout"/>, for a caller with no
    /// local fallback), recording the outcome. Not answered when the store failed or was skipped; attempted
    /// when the call was made, so it may still land after a timeout.
    /// </summary>
    public async ValueTask<StoreAnswer<T>> TryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        if (!TryEnter())
        {
            return new(Answered: false, Attempted: false, default!);
        }

        try
        {
            var result = await call().WaitAsync(timeout ?? Timeout, cancellationToken);
            Succeeded();
            return new(Answered: true, Attempted: true, result);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            Failed(e);
            return new(Answered: false, Attempted: true, default!);
        }
    }
}
