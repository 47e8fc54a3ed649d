using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Whether to ask the shared store: the one store-down gate of a process, shared by everything that asks
/// Redis on a request's path. After a failure nobody asks for <see cref="AdmissionOptions.ProbeInterval"/>;
/// then exactly one caller probes (the others keep deciding without the store) and its success reopens the
/// store to every caller at once. What a caller does while the store is down is its own documented policy:
/// <list type="bullet">
/// <item>admission decides on local limits (limit / replica count) and hands them over on recovery (fails closed at the limits);</item>
/// <item>the Router's capacity check admits without a check (fails open: the provider's own throttling still protects it);</item>
/// <item>the Router's breaker sharing keeps breakers local: openings are neither announced nor heard.</item>
/// </list>
/// </summary>
public sealed partial class StoreGate(TimeProvider clock, IOptionsMonitor<AdmissionOptions> options, ILogger<StoreGate> logger)
{
    // 0 while the store answers; otherwise the tick before which nobody asks it.
    private long _downUntil;

    public bool IsDown => Volatile.Read(ref _downUntil) != 0;

    /// <summary>Raised once each time the store answers again after a failure.</summary>
    public event Action? Recovered;

    /// <summary>How long a call waits on the store unless its caller says otherwise (<see cref="AdmissionOptions.StoreTimeout"/>).</summary>
    public TimeSpan Timeout => options.CurrentValue.StoreTimeout;

    /// <summary>
    /// True when this caller should ask the store, with <paramref name="probe"/> set when it is the one caller that
    /// probes a closed gate; false while the gate is closed and not yet due for a probe, or another caller probes.
    /// </summary>
    private bool TryEnter(out bool probe)
    {
        probe = false;
        var until = Volatile.Read(ref _downUntil);
        if (until == 0)
        {
            return true;
        }

        var now = clock.GetUtcNow().UtcTicks;
        probe = now >= until && Interlocked.CompareExchange(ref _downUntil, now + options.CurrentValue.ProbeInterval.Ticks, until) == until;
        return probe;
    }

    // Only a probe's success reopens the gate. A call that began while it was open proves nothing once it has closed
    // since: under load its answer, sent before the failure, came back (or its continuation ran) after it, and
    // reopened the gate at once, so a store failing one call in a few was asked by everyone again.
    private void Succeeded(bool probe)
    {
        if (probe && Interlocked.Exchange(ref _downUntil, 0) != 0)
        {
            LogRecovered(logger);
            Recovered?.Invoke();
        }
    }

    /// <param name="exception">What the store answered.</param>
    /// <param name="caller">Who saw it (admission, capacity, breaker sharing), for the log.</param>
    public void Failed(Exception exception, string caller)
    {
        var until = (clock.GetUtcNow() + options.CurrentValue.ProbeInterval).UtcTicks;
        if (Interlocked.Exchange(ref _downUntil, until) == 0)
        {
            LogDown(logger, exception, caller);
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
    /// Runs one store call within <paramref name="timeout"/> (the store timeout when null), recording the
    /// outcome. Not answered when the store failed or was skipped; attempted when the call was made, so it
    /// may still land after a timeout.
    /// </summary>
    /// <param name="caller">Who asks (admission, capacity, breaker sharing), for the log when the store fails.</param>
    public async ValueTask<StoreAnswer<T>> TryAsync<T>(string caller, Func<Task<T>> call, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        if (!TryEnter(out var probe))
        {
            return new(Answered: false, Attempted: false, default!);
        }

        try
        {
            var result = await call().WaitAsync(timeout ?? Timeout, cancellationToken);
            Succeeded(probe);
            return new(Answered: true, Attempted: true, result);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            Failed(e, caller);
            return new(Answered: false, Attempted: true, default!);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store answers again; admission, capacity checks and breaker sharing use it again")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store unavailable (seen by {Caller}); until it answers admissions use local limits " +
        "(limit / replica count), capacity checks fail open and breakers stay local")]
    private static partial void LogDown(ILogger logger, Exception exception, string caller);
}
