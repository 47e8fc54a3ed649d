namespace Switchyard.Router.Routing;

/// <summary>
/// Cancels a source when an upstream stays quiet for a timeout while it is waited on, without touching a timer
/// per update. A wait only stamps when it began (<see cref="Waiting"/>) and clears the stamp when the update came
/// (<see cref="Arrived"/>); one timer, armed by the first wait, reads the stamp when it fires and re-arms for
/// what is left of the current wait, or stays unarmed between waits until the next one arms it. A
/// <c>CancelAfter</c> before and after every update took the timer queue's lock twice per streamed chunk.
/// </summary>
/// <remarks>
/// Arming is one flag: the wait stamps before it tries to set the flag, and the timer clears the flag before it
/// reads the stamp, so a wait that finds the timer armed is always seen by that timer's next firing.
/// </remarks>
internal sealed class IdleDeadline : IDisposable
{
    private const long NotWaiting = long.MinValue;

    private readonly CancellationTokenSource _source;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private long _waitingSince = NotWaiting;
    private int _armed;

    /// <param name="source">Cancelled once a single wait lasts <paramref name="timeout"/>.</param>
    public IdleDeadline(CancellationTokenSource source, TimeSpan timeout, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _source = source;
        Timeout = timeout;
        _clock = clock;
        _timer = clock.CreateTimer(static state => ((IdleDeadline)state!).Fire(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Timeout { get; }

    /// <summary>A wait for the next update begins now.</summary>
    public void Waiting()
    {
        Volatile.Write(ref _waitingSince, _clock.GetTimestamp());
        // Armed is the usual case: a plain read, and the interlocked exchange only when it may be needed.
        if (Volatile.Read(ref _armed) == 0 && Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            _timer.Change(Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The update came (or the wait ended otherwise): time from now on is not quiet time.</summary>
    public void Arrived() => Volatile.Write(ref _waitingSince, NotWaiting);

    private void Fire()
    {
        Interlocked.Exchange(ref _armed, 0);
        var since = Volatile.Read(ref _waitingSince);
        if (since == NotWaiting)
        {
            return;
        }

        var quiet = _clock.GetElapsedTime(since);
        if (quiet >= Timeout)
        {
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream ended while the timer fired: nothing is left to cancel.
            }

            return;
        }

        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            _timer.Change(Timeout - quiet, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();
}
