using Microsoft.Extensions.Time.Testing;

namespace Switchyard.Router.Tests.Routing;

/// <summary>
/// The process's one store-down gate on its own, with calls the test completes by hand: after a failure nobody
/// asks the store for the probe interval, then exactly one caller probes, and only that probe's success reopens it.
/// </summary>
public sealed class StoreGateTests
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_call_begun_before_the_gate_closed_does_not_reopen_it_by_succeeding_after()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gate = TestStoreGate.Create(clock, ProbeInterval, storeTimeout: TimeSpan.FromSeconds(30));
        var recovered = 0;
        gate.Recovered += () => recovered++;
        var early = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var earlyCall = gate.TryAsync("test", () => early.Task, CancellationToken.None).AsTask();

        var failed = await gate.TryAsync<bool>("test", () => throw new TimeoutException("cut"), CancellationToken.None);
        early.SetResult(true);
        var earlyAnswer = await earlyCall;

        Assert.False(failed.Answered);
        Assert.True(earlyAnswer.Answered);
        // CI (2086 passed, 1 failed): a publish answered just before a cut, its continuation run after the cut's failure, reopened the gate.
        Assert.True(gate.IsDown, "a call that began while the gate was open reopened it");
        Assert.Equal(0, recovered);

        var asked = 0;
        var whileClosed = await gate.TryAsync("test", () => Task.FromResult(++asked), CancellationToken.None);
        Assert.False(whileClosed.Attempted);
        Assert.Equal(0, asked);

        clock.Advance(ProbeInterval);
        var probe = await gate.TryAsync("test", () => Task.FromResult(++asked), CancellationToken.None);
        Assert.True(probe.Answered);
        Assert.False(gate.IsDown);
        Assert.Equal(1, recovered);
    }

    [Fact]
    public async Task Exactly_one_caller_probes_a_closed_gate_and_the_rest_stay_away_until_it_answers()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gate = TestStoreGate.Create(clock, ProbeInterval, storeTimeout: TimeSpan.FromSeconds(30));
        await gate.TryAsync<bool>("test", () => throw new TimeoutException(), CancellationToken.None);
        clock.Advance(ProbeInterval);

        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probing = gate.TryAsync("test", () => answer.Task, CancellationToken.None).AsTask();
        var others = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => gate.TryAsync("test", () => Task.FromResult(true), CancellationToken.None).AsTask()));
        Assert.All(others, o => Assert.False(o.Attempted));
        Assert.True(gate.IsDown);

        answer.SetResult(true);
        Assert.True((await probing).Answered);
        Assert.False(gate.IsDown);
        Assert.True((await gate.TryAsync("test", () => Task.FromResult(true), CancellationToken.None)).Answered);
    }
}
