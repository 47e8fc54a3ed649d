namespace Switchyard.Router.Routing.Latency;

/// <summary>
/// Whether a deployment has gone silent: an attempt is overdue (no first token after the deployment's hedge
/// delay, or past its first-token deadline, or when another deployment answered its hedge first), no attempt on
/// the deployment that started since shortly before it (half its wait) has sent a first token either, and
/// another deployment of the group has answered an attempt started in that time. Under traffic a healthy
/// deployment answers the attempts started around an overdue one, so one overdue attempt is its own tail; when
/// none of them is answered while its peers answer theirs, the deployment hangs or slowed down, and that is
/// known from the first overdue attempt instead of one request at a time. When the peers are quiet too the
/// delay is everyone's (the Router's own host or network): no finding. Attempts that started before that
/// window, before a fault struck, may still answer: they neither prevent nor end silence. A silent deployment is tried last for <c>Routing:ResponseTime:SilenceDemotion</c>
/// unless an attempt started after the evidence sends a first token sooner, and attempts already waiting on it
/// hedge at once (<see cref="Silenced"/>) instead of each waiting out the hedge delay.
/// Lock-free: three timestamps, written without a common lock (a reader may briefly see a finding half made,
/// which only shifts one routing choice), and a signal swapped for a fresh one at each finding.
/// </summary>
public sealed class FirstTokenSilence(TimeProvider clock)
{
    private long _latestAnsweredStart; // latest start (TimeProvider timestamp) of an attempt that sent a first token
    private long _silentFrom; // the evidence: no attempt started after this has sent a first token
    private long _foundAt; // when silence was last found
    private TaskCompletionSource _silenced = NewSignal();

    /// <summary>Completes the next time silence is found; taken by an attempt when it starts.</summary>
    public Task Silenced => Volatile.Read(ref _silenced).Task;

    /// <summary>The latest start (a <see cref="TimeProvider"/> timestamp) of an attempt that sent a first token; 0 before any.</summary>
    public long LatestAnsweredStart => Volatile.Read(ref _latestAnsweredStart);

    /// <summary>An attempt that started at <paramref name="attemptStarted"/> sent its first token.</summary>
    public void FirstToken(long attemptStarted)
    {
        var latest = Volatile.Read(ref _latestAnsweredStart);
        while (attemptStarted > latest && Interlocked.CompareExchange(ref _latestAnsweredStart, attemptStarted, latest) is var seen && seen != latest)
        {
            latest = seen;
        }
    }

    /// <summary>
    /// An attempt started at <paramref name="attemptStarted"/> has waited <paramref name="waited"/> without a first
    /// token, longer than it should. When no attempt started since half that wait before it was answered either,
    /// while one of the <paramref name="peers"/> (the group's other deployments) answered such an attempt, the
    /// deployment is silent and waiting attempts are signalled. Returns true when this made silent a deployment
    /// that was not (a finding lasts <paramref name="demotion"/>), for the caller to log once.
    /// </summary>
    public bool Overdue(long attemptStarted, TimeSpan waited, TimeSpan demotion, IEnumerable<FirstTokenSilence> peers)
    {
        var from = attemptStarted - (long)(waited.TotalSeconds / 2 * clock.TimestampFrequency);
        if (Volatile.Read(ref _latestAnsweredStart) >= from || !peers.Any(peer => peer.LatestAnsweredStart >= from))
        {
            return false;
        }

        var wasSilent = IsSilent(demotion);
        Volatile.Write(ref _silentFrom, Math.Max(from, Volatile.Read(ref _silentFrom)));
        Volatile.Write(ref _foundAt, clock.GetTimestamp());
        Interlocked.Exchange(ref _silenced, NewSignal()).TrySetResult();
        return !wasSilent;
    }

    /// <summary>Silent: found less than <paramref name="demotion"/> ago (zero: never), and no attempt started after the evidence answered since.</summary>
    public bool IsSilent(TimeSpan demotion)
    {
        var foundAt = Volatile.Read(ref _foundAt);
        return foundAt != 0 && Volatile.Read(ref _silentFrom) > Volatile.Read(ref _latestAnsweredStart) && clock.GetElapsedTime(foundAt) < demotion;
    }

    /// <summary>Forgets everything (scenario resets); attempts waiting on the current signal are not woken.</summary>
    public void Reset()
    {
        Volatile.Write(ref _foundAt, 0);
        Volatile.Write(ref _silentFrom, 0);
        Volatile.Write(ref _latestAnsweredStart, 0);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
