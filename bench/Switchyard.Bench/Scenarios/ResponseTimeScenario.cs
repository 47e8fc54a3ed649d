using System.Diagnostics;
using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// Issue 14: response time under failure, for a model group over three Regions
/// (<see cref="BenchRouting.MultiRegionGroup"/>) under a steady paced load, streamed and non-streamed at once,
/// with the emulator's latency model on (a first token in about a second, as in production). Phases, each on
/// the same Router after its breakers and capacity windows are reset: healthy; us-east-1 hung; us-east-1's
/// first token 3 s late. Then, on a second Router whose breakers never open (so the cut Region stays in
/// rotation), streams cut after their first tokens in us-east-1, compared with uncut answers to the same prompts.
/// Upstream calls are counted in the emulator's invocation log: every call beyond one per client request is a
/// hedge or a retry. Hedging and adaptive deadlines are the Router's defaults; the continuation phase opts the
/// group in to continuation. The phase length and extra Router settings are knobs (<see cref="ResponseTimeSettings"/>).
/// </summary>
public sealed class ResponseTimeScenario : IScenario
{
    public string Id => "response-time";

    public string Title => "Response time under failure";

    private const string Group = BenchRouting.MultiRegionGroup;

    private const string FaultRegion = "us-east-1";

    /// <summary>Requests per second of each kind of traffic, streamed and non-streamed.</summary>
    private const double Rate = 10;

    private const int FirstTokenDelayMs = 3_000;

    /// <summary>Streams per second in the continuation phase: a third of them start in the cut Region.</summary>
    private const double ContinuationRate = 20;

    /// <summary>A ConverseStream answer opens with messageStart, so after 5 events the client has had 4 deltas (12 tokens).</summary>
    private const int CutAfterEvents = 5;

    /// <summary>Every answer (20 tokens or more, by prompt) is longer than what the cut lets through.</summary>
    private const int ContinuationMaxTokens = 64;

    private const int Prompts = 40;

    /// <summary>An attempt the Router abandons is logged once the emulator sees its connection close.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private const string WholeTarget = "Response time: streams cut after their first tokens that reach the client whole";

    private sealed record Phase(string Name, LoadRun Streamed, LoadRun NonStreamed, IReadOnlyList<InvocationEntry> Upstream)
    {
        public int ClientRequests => Streamed.Requests + NonStreamed.Requests;

        public double SuccessRate => (double)(Streamed.Succeeded + NonStreamed.Succeeded) / ClientRequests;

        public double ExtraUpstreamShare => (double)(Upstream.Count - ClientRequests) / ClientRequests;

        public string Outcomes => string.Join(", ", Upstream.GroupBy(e => e.Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
    }

    public async Task RunAsync(BenchContext context, ScenarioReport report)
    {
        var settings = ResponseTimeSettings.FromEnvironment(context.Options, Group);
        var emulator = context.Stack.EmulatorAdmin;
        var tenantKey = await context.Stack.QuotaAdmin.CreateTenantAsync("bench-response-time");
        report.Findings.Add($"{settings.Phase.TotalSeconds:0} s of load per phase ({ResponseTimeSettings.SecondsVariable}); Router settings ({ResponseTimeSettings.RouterVariable}): "
            + $"{ResponseTimeSettings.Describe(settings.Router)}; continuation settings ({ResponseTimeSettings.ContinuationVariable}): "
            + $"{ResponseTimeSettings.Describe(settings.Continuation)}; hedge budget {Format.Percent(settings.HedgeBudget)} ({ResponseTimeSettings.HedgeBudgetVariable}).");

        // The suite runs the emulator as fast as it can; response time needs its first-token delay and output rate.
        await emulator.SetLatencyAsync(true);
        try
        {
            await MeasureFaultsAsync(context, report, settings, tenantKey);
            await MeasureContinuationAsync(context, report, settings, tenantKey);
        }
        finally
        {
            await emulator.ClearFaultsAsync();
            await emulator.SetLatencyAsync(false);
        }
    }

    private static async Task MeasureFaultsAsync(BenchContext context, ScenarioReport report, ResponseTimeSettings settings, string tenantKey)
    {
        await using var router = await context.Stack.StartRouterAsync("router-response-time", settings.Router);
        var streamed = new ChatTarget("response-time-streamed", [router.ChatUri], Group, true, ChatTarget.Bearer(tenantKey));
        var nonStreamed = new ChatTarget("response-time-non-streamed", [router.ChatUri], Group, false, ChatTarget.Bearer(tenantKey));
        var plan = new LoadPlan(64, 100_000, settings.Phase) { RatePerSecond = Rate, RequestTimeout = TimeSpan.FromSeconds(90) };

        var warmUp = plan with { Duration = context.Options.Duration(10, 1) };
        var healthy = await RunPhaseAsync(context, router, "healthy", streamed, nonStreamed, plan, warmUp, null);
        var hung = await RunPhaseAsync(context, router, $"{FaultRegion} hung", streamed, nonStreamed, plan, warmUp, new EmulatorFault("hang", Region: FaultRegion));
        var slow = await RunPhaseAsync(context, router, $"{FaultRegion} first token +{FirstTokenDelayMs / 1000} s", streamed, nonStreamed, plan, warmUp,
            new EmulatorFault("latency", Region: FaultRegion, LatencyMs: FirstTokenDelayMs));
        Phase[] phases = [healthy, hung, slow];

        var latency = report.AddTable($"Group {Group} ({string.Join(", ", BenchRouting.Regions)}, least-busy): {Rate:0} streamed and {Rate:0} non-streamed requests/s "
                + $"for {settings.Phase.TotalSeconds:0} s per phase, max_tokens 32, the emulator's latency model on",
            "Phase", "Traffic", "Requests", "Success", "Failures", "TTFT p50 ms", "TTFT p99 ms", "TTFT max ms", "Latency p50 ms", "Latency p99 ms", "Latency max ms");
        var upstream = report.AddTable("Upstream calls (the emulator's invocation log) against client requests: every call beyond one per request is a hedge or a retry",
            "Phase", "Client requests", "Upstream calls", "Extra upstream calls", "Upstream outcomes");
        foreach (var phase in phases)
        {
            foreach (var (traffic, run) in new[] { ("streamed", phase.Streamed), ("non-streamed", phase.NonStreamed) })
            {
                var firstToken = run.FirstToken();
                var total = run.Latency();
                latency.Add(phase.Name, traffic, run.Requests, Format.Percent(run.SuccessRate), run.Failures(),
                    firstToken.P50, firstToken.P99, firstToken.Max, total.P50, total.P99, total.Max);
                report.NoteFailure($"{phase.Name}, {traffic}", run);
            }

            upstream.Add(phase.Name, phase.ClientRequests, phase.Upstream.Count, Format.Percent(phase.ExtraUpstreamShare), phase.Outcomes);
        }

        if (healthy.SuccessRate < 1)
        {
            report.Findings.Add($"Even the healthy phase lost requests ({Format.Percent(healthy.SuccessRate)} success): the goals below derive from it, so they are loose.");
        }

        var firstTokenGoal = 2 * healthy.Streamed.FirstToken().P99 + 500;
        var nonStreamedGoal = healthy.NonStreamed.Latency().P99 + 1_000;
        report.Check("Response time: extra upstream calls (hedges), healthy", "<= 2 %", healthy.ExtraUpstreamShare * 100, v => v <= 2, "0.00 '%'");
        foreach (var phase in new[] { hung, slow })
        {
            report.Check($"Response time: success, {phase.Name}", "100 %", phase.SuccessRate * 100, v => v >= 100, "0.00 '%'");
            report.Check($"Response time: streamed p99 TTFT, {phase.Name}", $"<= 2 x healthy p99 + 0.5 s = {firstTokenGoal:0} ms",
                phase.Streamed.FirstToken().P99, v => v <= firstTokenGoal, "0 'ms'");
            report.Check($"Response time: non-streamed p99 latency, {phase.Name}", $"<= healthy p99 + 1 s = {nonStreamedGoal:0} ms",
                phase.NonStreamed.Latency().P99, v => v <= nonStreamedGoal, "0 'ms'");
            report.Check($"Response time: extra upstream calls (hedges), {phase.Name}", $"<= the hedge budget, {Format.Percent(settings.HedgeBudget)}",
                phase.ExtraUpstreamShare * 100, v => v <= settings.HedgeBudget * 100, "0.00 '%'");
        }
    }

    /// <summary>
    /// One phase: both kinds of traffic at once from a reset Router, with <paramref name="fault"/> in force throughout.
    /// The reset also forgets the deployments' latency history, so an unmeasured healthy <paramref name="warmUp"/> rebuilds
    /// it first: the issue's fault strikes a Router under steady load, not one that just started (and a just-started
    /// Router also runs unoptimised code).
    /// </summary>
    private static async Task<Phase> RunPhaseAsync(BenchContext context, RouterProcess router, string name, ChatTarget streamed, ChatTarget nonStreamed,
        LoadPlan plan, LoadPlan warmUp, EmulatorFault? fault)
    {
        var emulator = context.Stack.EmulatorAdmin;
        await emulator.ClearFaultsAsync();
        await router.ResetAsync();
        await Task.WhenAll(context.Load.RunAsync(streamed, warmUp), context.Load.RunAsync(nonStreamed, warmUp));
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        if (fault is not null)
        {
            await emulator.AddFaultAsync(fault);
        }

        var runs = await Task.WhenAll(context.Load.RunAsync(streamed, plan), context.Load.RunAsync(nonStreamed, plan));
        await emulator.ClearFaultsAsync();
        await Task.Delay(SettleTime);
        var phase = new Phase(name, runs[0], runs[1], await emulator.InvocationsAsync(since));
        BenchContext.Log($"response-time: {name}: {Format.Percent(phase.SuccessRate)} success, streamed p99 TTFT {phase.Streamed.FirstToken().P99:0} ms, "
            + $"non-streamed p99 {phase.NonStreamed.Latency().P99:0} ms, {phase.Upstream.Count} upstream calls for {phase.ClientRequests} requests");
        return phase;
    }

    private static async Task MeasureContinuationAsync(BenchContext context, ScenarioReport report, ResponseTimeSettings settings, string tenantKey)
    {
        var emulator = context.Stack.EmulatorAdmin;

        // The breaker would take the cut Region out of rotation after a few cuts; kept in, every stream that starts
        // there is cut, so the share is measured over a third of all streams rather than a handful.
        var environment = new Dictionary<string, string>(settings.Router) { ["Routing__CircuitBreaker__MinimumThroughput"] = "10000" };
        foreach (var (key, value) in settings.Continuation)
        {
            environment[key] = value;
        }

        await using var router = await context.Stack.StartRouterAsync("router-continuation", environment);
        using var client = new TranscriptClient(router.ChatUri, Group, tenantKey, ContinuationMaxTokens);
        var prompts = Enumerable.Range(0, Prompts).Select(i => $"Continuation probe {i}: tell the benchmark a short story.").ToArray();
        await emulator.ClearFaultsAsync();
        var uncut = await Task.WhenAll(prompts.Select(client.ReadAsync));
        if (uncut.FirstOrDefault(t => !t.Complete) is { } broken)
        {
            report.NotMeasured(WholeTarget, ">= 99 %", $"n/a: an uncut reference stream failed ({broken.Error})");
            return;
        }

        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await emulator.AddFaultAsync(new EmulatorFault("stream-cut", Region: FaultRegion, AfterEvents: CutAfterEvents));
        var streams = await PacedAsync(client, prompts, settings.Phase);
        await emulator.ClearFaultsAsync();
        await Task.Delay(SettleTime);
        var upstreamCuts = (await emulator.InvocationsAsync(since)).Count(e => e.Outcome == "stream-cut");

        // x-switchyard-region names the deployment that started the stream, continued or not (headers are out before
        // the cut): in the cut Region, every one was cut.
        var cut = streams.Where(s => s.Transcript.Region == FaultRegion).ToArray();
        var elsewhere = streams.Where(s => s.Transcript.Region != FaultRegion).ToArray();
        double Whole((int Prompt, StreamTranscript Transcript)[] set) =>
            set.Length == 0 ? double.NaN : (double)set.Count(s => s.Transcript.IsWholeAs(uncut[s.Prompt])) / set.Length;

        var table = report.AddTable($"Streams at {ContinuationRate:0}/s for {settings.Phase.TotalSeconds:0} s over {Prompts} prompts (max_tokens {ContinuationMaxTokens}), "
                + $"cut in {FaultRegion} after {CutAfterEvents} events (4 text deltas), each compared with an uncut answer to its prompt (text and completion tokens)",
            "Streams", $"Started in {FaultRegion} (cut)", "Of those, whole", $"Started elsewhere (control)", "Of those, whole", "Upstream streams cut (invocation log)");
        table.Add(streams.Length, cut.Length, Format.Percent(Whole(cut)), elsewhere.Length, Format.Percent(Whole(elsewhere)), upstreamCuts);
        string? FirstBroken((int Prompt, StreamTranscript Transcript)[] set) =>
            set.Where(s => !s.Transcript.IsWholeAs(uncut[s.Prompt])).Select(s => Describe(s.Transcript, uncut[s.Prompt])).FirstOrDefault();

        if (FirstBroken(cut) is { } first)
        {
            report.Findings.Add($"First cut stream that did not reach the client whole: {first}");
        }

        if (FirstBroken(elsewhere) is { } control)
        {
            report.Findings.Add($"A stream that did not start in {FaultRegion} differed from its uncut answer too: {control}");
        }

        if (settings.Continuation.Count == 0)
        {
            report.Findings.Add($"Continuation was not switched on ({ResponseTimeSettings.ContinuationVariable} was empty), so the share of whole cut streams is what a client gets from the Router as it is.");
        }

        report.Check(WholeTarget, ">= 99 %", Whole(cut) * 100, v => v >= 99, "0.00 '%'");
        BenchContext.Log($"response-time: continuation: {cut.Length} streams cut, {Format.Percent(Whole(cut))} whole; control {Format.Percent(Whole(elsewhere))} whole");
    }

    /// <summary>Streams at <see cref="ContinuationRate"/> for <paramref name="duration"/>, prompt by prompt in turn, each answer kept with its prompt.</summary>
    private static async Task<(int Prompt, StreamTranscript Transcript)[]> PacedAsync(TranscriptClient client, string[] prompts, TimeSpan duration)
    {
        var streams = new List<Task<(int, StreamTranscript)>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var due = TimeSpan.FromSeconds(i / ContinuationRate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            streams.Add(ReadAsync(i % prompts.Length));
        }

        return await Task.WhenAll(streams);

        async Task<(int, StreamTranscript)> ReadAsync(int prompt) => (prompt, await client.ReadAsync(prompts[prompt]));
    }

    private static string Describe(StreamTranscript received, StreamTranscript uncut) =>
        $"{received.Text.Length} of {uncut.Text.Length} characters, {received.CompletionTokens} of {uncut.CompletionTokens} completion tokens, "
        + $"{(received.Complete ? "complete" : "incomplete")}{(received.Error is { } error ? $": `{Shorten(error).Replace('`', '\'')}`" : "")}";

    private static string Shorten(string text) => text.Length > 300 ? text[..300] : text;
}
