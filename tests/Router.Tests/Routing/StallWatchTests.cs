using Microsoft.Extensions.Time.Testing;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.Routing;

/// <summary>A stall is cut exactly at the limit however the one timer's checks fall; shorter waits never are.</summary>
public sealed class StallWatchTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_wait_longer_than_the_limit_is_cut_at_the_limit_after_it_began()
    {
        using var target = new CancellationTokenSource();
        using var watch = new StallWatch(target, Limit, _clock);
        _clock.Advance(TimeSpan.FromMilliseconds(300)); // not waiting: the consumer is busy
        watch.Waiting();

        _clock.Advance(TimeSpan.FromMilliseconds(990)); // the timer's first check (at 1 s) found 700 ms waited
        Assert.False(target.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(target.IsCancellationRequested);
    }

    [Fact]
    public void Waits_shorter_than_the_limit_are_never_cut_however_many_span_a_check()
    {
        using var target = new CancellationTokenSource();
        using var watch = new StallWatch(target, Limit, _clock);

        for (var i = 0; i < 100; i++)
        {
            watch.Waiting();
            _clock.Advance(TimeSpan.FromMilliseconds(900));
            watch.Answered();
            _clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.False(target.IsCancellationRequested);
    }

    [Fact]
    public void A_wait_that_begins_just_before_a_check_still_gets_its_whole_limit()
    {
        using var target = new CancellationTokenSource();
        using var watch = new StallWatch(target, Limit, _clock);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        watch.Waiting();

        _clock.Advance(TimeSpan.FromMilliseconds(998));
        Assert.False(target.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(target.IsCancellationRequested);
    }

    [Fact]
    public void A_wait_that_ends_before_the_limit_is_not_cut_when_the_check_comes_late()
    {
        using var target = new CancellationTokenSource();
        using var watch = new StallWatch(target, Limit, _clock);
        watch.Waiting();
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        watch.Answered();

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.False(target.IsCancellationRequested);
    }

    [Fact]
    public void Once_disposed_it_cancels_nothing_and_a_source_let_go_first_is_no_error()
    {
        using var kept = new CancellationTokenSource();
        var watch = new StallWatch(kept, Limit, _clock);
        watch.Waiting();
        watch.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(kept.IsCancellationRequested);

        var released = new CancellationTokenSource();
        using var late = new StallWatch(released, Limit, _clock);
        late.Waiting();
        released.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(5)); // the check finds the wait over the limit and a disposed source
    }
}
