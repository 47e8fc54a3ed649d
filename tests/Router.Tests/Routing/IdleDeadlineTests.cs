using Microsoft.Extensions.Time.Testing;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.Routing;

/// <summary>The stream idle deadline: only one wait's quiet time counts, however long the stream runs.</summary>
public sealed class IdleDeadlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _clock = new();
    private readonly CancellationTokenSource _source = new();

    [Fact]
    public void A_wait_as_long_as_the_timeout_cancels()
    {
        using var idle = new IdleDeadline(_source, Timeout, _clock);

        AssertAWaitFromNowCancelsAtTheTimeout(idle);
    }

    [Fact]
    public void Many_short_waits_never_cancel_however_long_they_add_up_to()
    {
        using var idle = new IdleDeadline(_source, Timeout, _clock);

        for (var i = 0; i < 100; i++)
        {
            idle.Waiting();
            _clock.Advance(TimeSpan.FromSeconds(4));
            idle.Arrived();
        }

        Assert.False(_source.IsCancellationRequested);
    }

    [Fact]
    public void Time_between_waits_is_not_quiet_time()
    {
        using var idle = new IdleDeadline(_source, Timeout, _clock);

        idle.Waiting();
        _clock.Advance(TimeSpan.FromSeconds(1));
        idle.Arrived();
        // The client is slow to take the update: the upstream is not waited on meanwhile.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(_source.IsCancellationRequested);

        AssertAWaitFromNowCancelsAtTheTimeout(idle);
    }

    [Fact]
    public void A_wait_begun_while_the_timer_runs_for_an_earlier_one_gets_its_whole_timeout()
    {
        using var idle = new IdleDeadline(_source, Timeout, _clock);

        idle.Waiting();
        _clock.Advance(TimeSpan.FromSeconds(3));
        idle.Arrived();
        idle.Waiting();
        // The timer armed by the first wait fires 2 s into this one and re-arms for the 3 s left of it.
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(_source.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        Assert.False(_source.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(_source.IsCancellationRequested);
    }

    [Fact]
    public void Disposed_it_never_cancels()
    {
        var idle = new IdleDeadline(_source, Timeout, _clock);
        idle.Waiting();
        idle.Dispose();

        _clock.Advance(Timeout * 2);

        Assert.False(_source.IsCancellationRequested);
    }

    /// <summary>A wait beginning now cancels at the timeout, not a millisecond before.</summary>
    private void AssertAWaitFromNowCancelsAtTheTimeout(IdleDeadline idle)
    {
        idle.Waiting();
        _clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(_source.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_source.IsCancellationRequested);
    }
}
