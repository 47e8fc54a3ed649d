namespace Switchyard.Router.Routing;

/// <summary>
/// Cancels a source when one wait for an upstream update lasts longer than a limit. Re-arming a timeout per
/// update (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> before and after every read) takes the
/// runtime's timer-queue lock twice per update of every open stream; here a wait only writes a timestamp, and
/// one timer per stream checks it about once per limit: when it fires during a wait it cancels if the wait has
/// lasted the limit, or re-arms for exactly what is left of it, so a stall is still cut at the limit, not later.
/// Lock-free; the timer's callback and <see cref="Dispose"/> may race, so both tolerate the other.
/// </summary>
internal sealed class StallWatch : IDisposable
{
    // Marks "not waiting"; timestamps are never this small.
    private const long NotWaiting = long.MinValue;

    private readonly CancellationTokenSource _target;
    private readonly TimeSpan _limit;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private long _waitingSince = NotWaiting;
    private volatile bool _disposed;

    public StallWatch(CancellationTokenSource target, TimeSpan limit, TimeProvider clock)
    {
        _target = target;
        _limit = limit;
        _clock = clock;
        _timer = clock.CreateTimer(static state => ((StallWatch)state!).Check(), this, limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A wait for the next update starts now.</summary>
    public void Waiting() => Volatile.Write(ref _waitingSince, _clock.GetTimestamp());

    /// <summary>The update came (or the stream ended): no wait is running.</summary>
    public void Answered() => Volatile.Write(ref _waitingSince, NotWaiting);

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }

    private void Check()
    {
        if (_disposed)
        {
            return;
        }

        var since = Volatile.Read(ref _waitingSince);
        var next = _limit;
        if (since != NotWaiting)
        {
            var waited = _clock.GetElapsedTime(since);
            if (waited >= _limit)
            {
                try
                {
                    _target.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The stream ended and let go of its source while this callback ran.
                }

                return;
            }

            next = _limit - waited;
        }

        try
        {
            _timer.Change(next, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while this callback ran: nothing left to watch.
        }
    }
}
