using System.Diagnostics;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing;

/// <summary>
/// One upstream attempt in flight: its deployment, capacity reservation and span, and its two deadlines.
/// Until its first token it may take the deployment's first-token deadline (learnt from its history); from
/// then on the rest of the attempt deadline. It can be abandoned when another attempt of the same request
/// sent its first token sooner (a hedge race); that is no fault of the deployment's. A deadline that would
/// pass no sooner than the request's overall deadline is not armed: the request's cancellation ends the
/// attempt then, so that running out of time is always the overall deadline (504), never an attempt timeout
/// that fails over with a few milliseconds left.
/// </summary>
public sealed class RoutedAttempt : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly TaskCompletionSource _firstToken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _clock;
    private int _abandoned;
    private int _firstTokenSeen;

    private readonly TimeSpan _requestRemaining;

    /// <param name="requestRemaining">What is left of the request's overall deadline, which <paramref name="request"/> enforces.</param>
    internal RoutedAttempt(Deployment deployment, CapacityReservation reservation, int number, Activity? span,
        TimeSpan firstTokenDeadline, TimeSpan attemptTimeout, TimeSpan requestRemaining, CancellationToken request, TimeProvider clock)
    {
        Deployment = deployment;
        Reservation = reservation;
        Number = number;
        Span = span;
        FirstTokenDeadline = firstTokenDeadline;
        AttemptTimeout = attemptTimeout;
        _clock = clock;
        Started = clock.GetTimestamp();
        _requestRemaining = requestRemaining;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(request);
        ArmWithin(firstTokenDeadline < attemptTimeout ? firstTokenDeadline : attemptTimeout, elapsed: TimeSpan.Zero);
    }

    public Deployment Deployment { get; }

    /// <summary>Capacity reserved for this attempt: the request's to settle if it serves, else settled as unused.</summary>
    public CapacityReservation Reservation { get; }

    /// <summary>Its number among the request's upstream attempts (1 for the first).</summary>
    public int Number { get; }

    /// <summary>The attempt's client span; null when nobody listens.</summary>
    public Activity? Span { get; }

    public TimeSpan FirstTokenDeadline { get; }

    public TimeSpan AttemptTimeout { get; }

    /// <summary>When the attempt started (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Started { get; }

    /// <summary>Cancelled when a deadline passes, the request ends or the attempt is abandoned.</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>Completes when the first token arrives.</summary>
    public Task FirstTokenArrived => _firstToken.Task;

    public bool HasFirstToken => _firstToken.Task.IsCompleted;

    public bool Abandoned => Volatile.Read(ref _abandoned) == 1;

    /// <summary>
    /// The first token is in: it is recorded in the deployment's latency history, and the attempt may now take
    /// what is left of the attempt deadline. Later calls, and calls after the attempt was abandoned, do nothing.
    /// </summary>
    public void FirstToken()
    {
        if (Abandoned || Interlocked.Exchange(ref _firstTokenSeen, 1) == 1)
        {
            return;
        }

        var elapsed = _clock.GetElapsedTime(Started);
        Deployment.State.RecordTimeToFirstToken(elapsed);
        Deployment.State.Latency.Silence.FirstToken(Started);
        RouterTelemetry.AttemptFirstToken(Span, Deployment.Name, elapsed);
        ArmWithin(AttemptTimeout - elapsed, elapsed);
        // Last: whoever wakes on it (the race) sees the deployment's history with this first token in it.
        _firstToken.TrySetResult();
    }

    /// <summary>Arms the attempt's own deadline <paramref name="left"/> from now, or disarms it when the request's overall deadline comes first.</summary>
    private void ArmWithin(TimeSpan left, TimeSpan elapsed)
    {
        if (left < _requestRemaining - elapsed)
        {
            _deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        else
        {
            _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancels the attempt because another one won; its span says why.</summary>
    public void Abandon(string reason)
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 0)
        {
            RouterTelemetry.AttemptAbandoned(Span, Deployment.Name, reason);
            _deadline.Cancel();
        }
    }

    /// <summary>The upstream call's failure when its token was cancelled: a missed deadline the breaker is to count.</summary>
    internal Providers.ProviderException TimedOut() => HasFirstToken
        ? new(Providers.FailureKind.Timeout, 0, "AttemptTimeout", $"No whole answer from {Deployment.Name} within {AttemptTimeout.TotalSeconds:F0} s.")
        : new(Providers.FailureKind.Timeout, 0, "FirstTokenTimeout", $"No first token from {Deployment.Name} within {FirstTokenDeadline.TotalSeconds:F1} s (its first-token deadline).");

    /// <summary>Ends the span and the deadlines.</summary>
    public void Dispose()
    {
        _deadline.Dispose();
        Span?.Dispose();
    }
}
