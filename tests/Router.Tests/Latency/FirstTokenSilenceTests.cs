using Microsoft.Extensions.Time.Testing;
using Switchyard.Router.Routing.Latency;

namespace Switchyard.Router.Tests.Latency;

/// <summary>When an overdue first token means the deployment went silent, and when that finding ends.</summary>
public sealed class FirstTokenSilenceTests
{
    private static readonly TimeSpan Demotion = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Waited = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    /// <summary>Another deployment of the group that has just answered an attempt started now.</summary>
    private FirstTokenSilence[] AnsweringPeer()
    {
        var peer = new FirstTokenSilence(_clock);
        peer.FirstToken(_clock.GetTimestamp());
        return [peer];
    }

    [Fact]
    public void An_overdue_attempt_among_answered_ones_is_the_deployments_tail_not_silence()
    {
        var silence = new FirstTokenSilence(_clock);
        var overdue = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        silence.FirstToken(_clock.GetTimestamp()); // started after the overdue one, answered already

        Assert.False(silence.Overdue(overdue, Waited, Demotion, AnsweringPeer()));
        Assert.False(silence.IsSilent(Demotion));
        Assert.False(silence.Silenced.IsCompleted);
    }

    [Fact]
    public void An_answer_to_an_attempt_started_within_half_the_wait_before_it_counts_too()
    {
        var silence = new FirstTokenSilence(_clock);
        silence.FirstToken(_clock.GetTimestamp());
        _clock.Advance(TimeSpan.FromMilliseconds(400)); // within half of the 1 s the overdue attempt waited

        Assert.False(silence.Overdue(_clock.GetTimestamp(), Waited, Demotion, AnsweringPeer()));
        Assert.False(silence.IsSilent(Demotion));
    }

    [Fact]
    public void No_answer_since_shortly_before_the_overdue_attempt_is_silence_signalled_once_and_it_lasts_the_demotion()
    {
        var silence = new FirstTokenSilence(_clock);
        silence.FirstToken(_clock.GetTimestamp()); // answered before the fault
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        var signal = silence.Silenced;
        var started = _clock.GetTimestamp();
        _clock.Advance(Waited);

        Assert.True(silence.Overdue(started, Waited, Demotion, AnsweringPeer()));
        Assert.True(signal.IsCompleted);
        Assert.False(silence.Silenced.IsCompleted); // a fresh signal for attempts that start from now on
        Assert.True(silence.IsSilent(Demotion));
        // A second overdue attempt confirms it: waiting attempts are signalled again, but it is not news to log.
        var next = silence.Silenced;
        Assert.False(silence.Overdue(started, Waited, Demotion, AnsweringPeer()));
        Assert.True(next.IsCompleted);

        _clock.Advance(Demotion - TimeSpan.FromMilliseconds(1));
        Assert.True(silence.IsSilent(Demotion));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(silence.IsSilent(Demotion));
    }

    [Fact]
    public void When_the_other_deployments_are_quiet_too_the_delay_is_everyones_not_silence()
    {
        var silence = new FirstTokenSilence(_clock);
        var quietPeer = new FirstTokenSilence(_clock);
        quietPeer.FirstToken(_clock.GetTimestamp()); // answered, but before the evidence window
        _clock.Advance(TimeSpan.FromSeconds(1));
        var signal = silence.Silenced;
        var started = _clock.GetTimestamp();
        _clock.Advance(Waited);

        Assert.False(silence.Overdue(started, Waited, Demotion, [quietPeer]));
        Assert.False(silence.Overdue(started, Waited, Demotion, []));
        Assert.False(silence.IsSilent(Demotion));
        Assert.False(signal.IsCompleted);
    }

    [Fact]
    public void A_late_answer_to_an_attempt_from_before_the_evidence_does_not_end_silence_one_started_after_it_does()
    {
        var silence = new FirstTokenSilence(_clock);
        var beforeFault = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromSeconds(1));
        var started = _clock.GetTimestamp();
        _clock.Advance(Waited);
        Assert.True(silence.Overdue(started, Waited, Demotion, AnsweringPeer()));

        silence.FirstToken(beforeFault);
        Assert.True(silence.IsSilent(Demotion));

        silence.FirstToken(started);
        Assert.False(silence.IsSilent(Demotion));
    }

    [Fact]
    public void Without_demotion_waiting_attempts_are_still_signalled()
    {
        var silence = new FirstTokenSilence(_clock);
        var signal = silence.Silenced;
        var started = _clock.GetTimestamp();
        _clock.Advance(Waited);

        silence.Overdue(started, Waited, TimeSpan.Zero, AnsweringPeer());

        Assert.True(signal.IsCompleted);
        Assert.False(silence.IsSilent(TimeSpan.Zero));
    }

    [Fact]
    public void A_reset_forgets_the_finding()
    {
        var silence = new FirstTokenSilence(_clock);
        var started = _clock.GetTimestamp();
        _clock.Advance(Waited);
        silence.Overdue(started, Waited, Demotion, AnsweringPeer());

        silence.Reset();

        Assert.False(silence.IsSilent(Demotion));
    }
}
