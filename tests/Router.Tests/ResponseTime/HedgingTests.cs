using System.Diagnostics;

namespace Switchyard.Router.Tests.ResponseTime;

/// <summary>
/// Hedged requests against the real emulator: a first token later than us-east-1's p99 (about 0.1 s here)
/// starts a hedge on us-east-2; the first to send a token serves, the other is cancelled and its capacity
/// reservation settled as unused (its request stays counted against rpm, its tokens do not against tpm).
/// </summary>
[Collection(EmulatedRegionsCollection.Name)]
public sealed class HedgingTests(EmulatedRegionsHost host) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await host.ResetAsync();
        await host.WarmUpAsync(); // also saves up one hedge (20 x 5 %)
    }

    /// <summary>
    /// A first token from us-east-1 that is late by its history (its p99, about 0.1 s here, but the slowest of 20
    /// warm-up requests on a loaded machine) and still within its deadline (the host's 2 s floor).
    /// </summary>
    private int LateMs() => (int)Math.Min(1_800, HedgeDelay().TotalMilliseconds + 600);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_hedge_that_sends_its_first_token_first_serves_and_the_slow_attempt_is_cancelled_and_settled()
    {
        const int SlowMs = 3000;
        await host.Bedrock.AddFaultAsync(new { kind = "latency", latencyMs = SlowMs, region = "us-east-1" });
        var east1 = await host.CapacityWindowAsync("us-east-1");
        using var spans = new RouterSpans();

        var watch = Stopwatch.StartNew();
        using var response = await host.SendAsync(EmulatedRegionsHost.Group, stream: true);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();

        response.EnsureSuccessStatusCode();
        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Equal(EmulatedRegionsHost.DeploymentIn("us-east-2"), response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.Equal("2", response.Headers.GetValues("x-switchyard-attempts").Single());
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(SlowMs / 2), $"took {watch.Elapsed}");
        // The loser ended before the winner was handed over, and its reservation is settled as unused.
        Assert.Equal(0, host.State("us-east-1").InFlight);
        await SettledAsync("us-east-1", east1);
        Assert.Contains("cancelled", await OutcomesAsync("us-east-1", outcomes => outcomes.Contains("cancelled")));

        // On the trace: the hedge is a decision on the request span and an event on its own attempt span, both
        // saying why; the slow attempt's span ended cancelled.
        var trace = response.Headers.GetValues("x-switchyard-trace-id").Single();
        List<Activity> ours = [];
        await WaitAsync(() => (ours = [.. spans.Stopped.Where(a => a.TraceId.ToHexString() == trace)]).Any(a => a.Kind == ActivityKind.Server));
        var request = Assert.Single(ours, a => a.Kind == ActivityKind.Server);
        var decision = Assert.Single(request.Events, e => e.Name == "switchyard.hedge");
        Assert.Contains("sonnet-us-east-1", (string)decision.Tags.Single(t => t.Key == "switchyard.reason").Value!);
        var hedge = Assert.Single(ours, a => a.Kind == ActivityKind.Client && (string?)a.GetTagItem("switchyard.deployment") == EmulatedRegionsHost.DeploymentIn("us-east-2"));
        Assert.Contains(hedge.Events, e => e.Name == "switchyard.hedge");
        Assert.Contains(hedge.Events, e => e.Name == "switchyard.first_token");
        var slow = Assert.Single(ours, a => a.Kind == ActivityKind.Client && (string?)a.GetTagItem("switchyard.deployment") == EmulatedRegionsHost.DeploymentIn("us-east-1"));
        Assert.Equal("cancelled", slow.GetTagItem("switchyard.outcome"));
        Assert.Contains(slow.Events, e => e.Name == "switchyard.attempt_cancelled");
        Assert.DoesNotContain(slow.Events, e => e.Name == "switchyard.first_token");
    }

    [Fact]
    public async Task When_the_first_attempt_answers_first_the_hedge_is_cancelled_and_settled()
    {
        // Later than us-east-1's p99 even on a loaded machine (so a hedge starts), within its 2 s deadline floor.
        await host.Bedrock.AddFaultAsync(new { kind = "latency", latencyMs = LateMs(), region = "us-east-1" });
        await host.Bedrock.AddFaultAsync(new { kind = "latency", latencyMs = 8000, region = "us-east-2" });
        await host.Bedrock.AddFaultAsync(new { kind = "latency", latencyMs = 8000, region = "us-west-2" });
        var east2 = await host.CapacityWindowAsync("us-east-2");

        var watch = Stopwatch.StartNew();
        using var response = await host.SendAsync(EmulatedRegionsHost.Group, stream: false);
        await response.Content.ReadAsStringAsync();
        watch.Stop();

        response.EnsureSuccessStatusCode();
        Assert.Equal(EmulatedRegionsHost.DeploymentIn("us-east-1"), response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(5000), $"took {watch.Elapsed}");
        Assert.Equal(0, host.State("us-east-2").InFlight);
        await SettledAsync("us-east-2", east2); // the hedge did start (one request counted) and used no tokens
        Assert.Contains("cancelled", await OutcomesAsync("us-east-2", outcomes => outcomes.Contains("cancelled")));
    }

    [Fact]
    public async Task A_client_that_leaves_mid_race_cancels_both_attempts_and_both_are_settled()
    {
        foreach (var region in EmulatedRegionsHost.Regions)
        {
            await host.Bedrock.AddFaultAsync(new { kind = "latency", latencyMs = 5000, region });
        }

        var east1 = await host.CapacityWindowAsync("us-east-1");
        var east2 = await host.CapacityWindowAsync("us-east-2");
        // Half a second after the hedge started (us-east-1's p99, more on a loaded machine), well before the 2 s deadline floor.
        using var leave = new CancellationTokenSource(HedgeDelay() + TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.SendAsync(EmulatedRegionsHost.Group, stream: true, leave.Token));

        await SettledAsync("us-east-1", east1);
        await SettledAsync("us-east-2", east2);
        await WaitAsync(() => host.State("us-east-1").InFlight == 0 && host.State("us-east-2").InFlight == 0);
    }

    [Fact]
    public async Task Hedges_stop_when_the_hedge_budget_is_spent()
    {
        // One request at a time, each its own evidence: us-east-1 is not demoted for having gone silent.
        host.Configure("Routing:ResponseTime:SilenceDemotion", "00:00:00");
        // Every first token from us-east-1 is late (but within its deadline); us-east-2 answers in 0.1 s.
        await host.Bedrock.AddFaultAsync(new { kind = "latency", latencyMs = LateMs(), region = "us-east-1" });
        const int Requests = 10;

        var hedged = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await host.SendAsync(EmulatedRegionsHost.Group, stream: true);
            await response.Content.ReadAsStringAsync();
            response.EnsureSuccessStatusCode();
            hedged += response.Headers.GetValues("x-switchyard-deployment").Single() == EmulatedRegionsHost.DeploymentIn("us-east-2") ? 1 : 0;
        }

        // At most 5 hedges are ever saved up at 5 %, plus 0.5 deposited by these requests; at least the warm-up's one.
        Assert.InRange(hedged, 1, 5);
    }

    [Fact]
    public async Task A_deployment_gone_silent_is_tried_last_so_the_next_request_is_served_elsewhere_at_once()
    {
        await host.Bedrock.AddFaultAsync(new { kind = "hang", region = "us-east-1" });
        // No attempt on us-east-1 answered since well before the next one starts (the warm-up's was the last).
        await Task.Delay(HedgeDelay());
        using var spans = new RouterSpans();

        using (var first = await host.SendAsync(EmulatedRegionsHost.Group, stream: false))
        {
            first.EnsureSuccessStatusCode();
            Assert.Equal((EmulatedRegionsHost.DeploymentIn("us-east-2"), "2"), Route(first)); // hedged after us-east-1's p99
        }

        using var second = await host.SendAsync(EmulatedRegionsHost.Group, stream: false);
        second.EnsureSuccessStatusCode();

        // Priority puts us-east-1 first, but it went silent: tried last, so the request went straight to us-east-2.
        Assert.Equal((EmulatedRegionsHost.DeploymentIn("us-east-2"), "1"), Route(second));
        var request = await spans.RequestSpanAsync(second.Headers.GetValues("x-switchyard-trace-id").Single());
        var demoted = Assert.Single(request.Events, e => e.Name == "switchyard.silence_demoted");
        Assert.Equal(EmulatedRegionsHost.DeploymentIn("us-east-1"), demoted.Tags.Single(t => t.Key == "switchyard.deployment").Value);
    }

    [Fact]
    public async Task Attempts_waiting_on_a_deployment_that_goes_silent_hedge_at_once()
    {
        // First tokens of about 0.4 s in the history, so that the second request starts well inside the first
        // one's wait; 20 warm-up requests save up the two hedges. Then only us-east-1 hangs and the others answer
        // at once, so the first request's hedge answers soon after it starts.
        await host.ResetAsync(baselineMs: 400);
        await host.WarmUpAsync();
        var p99 = HedgeDelay();
        await host.Bedrock.ResetAsync(quotas: false);
        await host.Bedrock.AddFaultAsync(new { kind = "hang", region = "us-east-1" });
        await Task.Delay(p99);
        using var spans = new RouterSpans();

        var first = host.SendAsync(EmulatedRegionsHost.Group, stream: true);
        await Task.Delay(p99 / 2);
        var second = host.SendAsync(EmulatedRegionsHost.Group, stream: true);
        using var firstResponse = await first;
        using var secondResponse = await second;
        await firstResponse.Content.ReadAsStringAsync();
        await secondResponse.Content.ReadAsStringAsync();

        // Both started on us-east-1 and were hedged to us-east-2. The first hedged at its own p99 (us-east-2 had
        // answered nothing lately, so no silence could be told from a slow Router yet); when its hedge answered
        // and us-east-1 still had not, us-east-1 was silent, and the second hedged at that moment, before its own p99.
        Assert.Equal((EmulatedRegionsHost.DeploymentIn("us-east-2"), "2"), Route(firstResponse));
        Assert.Equal((EmulatedRegionsHost.DeploymentIn("us-east-2"), "2"), Route(secondResponse));
        Assert.Contains("first-token time", await HedgeReasonAsync(spans, firstResponse));
        Assert.Contains("went silent", await HedgeReasonAsync(spans, secondResponse));
    }

    private TimeSpan HedgeDelay() =>
        host.State("us-east-1").Latency.HedgeDelay(new Configuration.ResponseTimeOptions { MinSamples = 5 })
        ?? throw new InvalidOperationException("us-east-1 has too little history for a hedge delay");

    private static (string Deployment, string Attempts) Route(HttpResponseMessage response) =>
        (response.Headers.GetValues("x-switchyard-deployment").Single(), response.Headers.GetValues("x-switchyard-attempts").Single());

    private static async Task<string> HedgeReasonAsync(RouterSpans spans, HttpResponseMessage response)
    {
        var request = await spans.RequestSpanAsync(response.Headers.GetValues("x-switchyard-trace-id").Single());
        return (string)Assert.Single(request.Events, e => e.Name == "switchyard.hedge").Tags.Single(t => t.Key == "switchyard.reason").Value!;
    }

    private async Task SettledAsync(string region, (long Requests, long Tokens) before)
    {
        (long Requests, long Tokens) now = default;
        await WaitAsync(async () =>
        {
            now = await host.CapacityWindowAsync(region);
            return now.Requests == before.Requests + 1 && now.Tokens == before.Tokens;
        });
        Assert.Equal((before.Requests + 1, before.Tokens), now);
    }

    private async Task<IReadOnlyList<string>> OutcomesAsync(string region, Func<IReadOnlyList<string>, bool> done)
    {
        IReadOnlyList<string> outcomes = [];
        await WaitAsync(async () => done(outcomes = await host.Bedrock.InvocationOutcomesAsync(region)));
        return outcomes;
    }

    private static Task WaitAsync(Func<bool> done) => WaitAsync(() => Task.FromResult(done()));

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await done() && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
    }
}
