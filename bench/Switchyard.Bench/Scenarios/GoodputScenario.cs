using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// Issue 7 §2: three "Regions", the first down for 30 s and the second throttling half its requests,
/// under a steady paced load. The Router is measured on its Bedrock deployments in three emulated
/// Regions, and, like Portkey, on three deployments of the emulator's single OpenAI-compatible endpoint
/// told apart by model (faults injected by model): the only shape Portkey's OpenAI targets can express.
/// </summary>
public sealed class GoodputScenario : IScenario
{
    public string Id => "goodput";

    public string Title => "Goodput under faults";

    private const double Rate = 50;

    private sealed record Setup(string Name, string Mapping, ChatTarget Target, EmulatorFault Throttle, Func<int, EmulatorFault> Outage, bool HasTargets);

    public async Task RunAsync(BenchContext context, ScenarioReport report)
    {
        var stack = context.Stack;
        var emulator = stack.EmulatorAdmin;
        var tenantKey = await stack.QuotaAdmin.CreateTenantAsync("bench-goodput");
        await using var router = await stack.StartRouterAsync("router-goodput");
        var total = context.Options.Duration(40, 4);
        var outageStart = context.Options.Duration(5, 1);
        var outageSeconds = context.Options.Smoke ? 2 : 30;
        var faultSeconds = (int)total.TotalSeconds + 10;
        var models = BenchRouting.FallbackModels;
        Setup[] setups =
        [
            new("router, Bedrock Regions", $"group {BenchRouting.RegionsGroup}: {string.Join(", ", BenchRouting.Regions)} (priority); outage {BenchRouting.Regions[0]}, throttle {BenchRouting.Regions[1]}",
                new ChatTarget("goodput-router-regions", [router.ChatUri], BenchRouting.RegionsGroup, false, ChatTarget.Bearer(tenantKey)),
                new EmulatorFault("throttle", Region: BenchRouting.Regions[1], Rate: 0.5, DurationSeconds: faultSeconds),
                seconds => new EmulatorFault("outage", Region: BenchRouting.Regions[0], DurationSeconds: seconds), HasTargets: true),
            new("router, models", $"group {BenchRouting.ModelsGroup}: {string.Join(", ", models)} (priority); outage {models[0]}, throttle {models[1]}",
                new ChatTarget("goodput-router-models", [router.ChatUri], BenchRouting.ModelsGroup, false, ChatTarget.Bearer(tenantKey)),
                new EmulatorFault("throttle", Model: models[1], Rate: 0.5, DurationSeconds: faultSeconds),
                seconds => new EmulatorFault("outage", Model: models[0], DurationSeconds: seconds), HasTargets: false),
            new("portkey, models", "fallback targets in the same order; same faults",
                new ChatTarget("goodput-portkey", [new Uri(stack.PortkeyBase, "/v1/chat/completions")], models[0], false,
                    ChatTarget.Bearer(EmulatorAdmin.OpenAIKey, (PortkeyConfig.Header, PortkeyConfig.Fallback(emulator, models)))),
                new EmulatorFault("throttle", Model: models[1], Rate: 0.5, DurationSeconds: faultSeconds),
                seconds => new EmulatorFault("outage", Model: models[0], DurationSeconds: seconds), HasTargets: false),
        ];

        var table = report.AddTable($"{Rate:0} requests/s for {total.TotalSeconds:0} s; outage from {outageStart.TotalSeconds:0} s for {outageSeconds} s; throttle (50 %) throughout",
            "Setup", "Deployments and faults", "Requests", "Success", "Failures", "Success during outage", "p50 ms", "p99 ms", "Max ms", "Upstream calls", "Upstream calls per success", "Attempts per request (x-switchyard-attempts: mean / max)");
        var timelines = new List<Gnuplot.Series>();
        foreach (var setup in setups)
        {
            await emulator.ResetAsync();
            await router.ResetAsync();
            var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
            await emulator.AddFaultAsync(setup.Throttle);
            var load = context.Load.RunAsync(setup.Target, new LoadPlan(32, 100_000, total) { RatePerSecond = Rate, RequestTimeout = TimeSpan.FromSeconds(30) });
            await Task.Delay(outageStart);
            await emulator.AddFaultAsync(setup.Outage(outageSeconds));
            var run = await load;
            await emulator.ClearFaultsAsync();
            var upstream = (await emulator.InvocationsAsync(since)).Count;

            var outageFrom = outageStart.TotalMilliseconds;
            var outageTo = outageFrom + outageSeconds * 1000;
            var during = run.Samples.Where(s => s.StartMs >= outageFrom && s.StartMs < outageTo).ToArray();
            var latency = new Percentiles(run.Samples.Select(s => s.LatencyMs));
            var amplification = (double)upstream / Math.Max(1, run.Succeeded);
            report.NoteFailure(setup.Name, run);
            table.Add(setup.Name, setup.Mapping, run.Requests, Format.Percent(run.SuccessRate), run.Failures(),
                Format.Percent(during.Length == 0 ? double.NaN : (double)during.Count(s => s.Succeeded) / during.Length),
                latency.P50, latency.P99, latency.Max, upstream, amplification, Attempts(run));
            timelines.Add(new Gnuplot.Series(setup.Name, Timeline(run)));
            BenchContext.Log($"goodput: {setup.Name}: {Format.Percent(run.SuccessRate)} success, {amplification:0.00} upstream calls per success");

            // The targets are about Regions; the model-mapped setups are the like-for-like comparison with Portkey.
            if (setup.HasTargets)
            {
                report.Check($"Success through the outage ({setup.Name})", ">= 99.9 %", run.SuccessRate * 100, v => v >= 99.9, "0.00 '%'");
                report.Check($"Retry amplification ({setup.Name})", "<= 1.2", amplification, v => v <= 1.2, "0.00");
            }
        }

        await emulator.ResetAsync();
        if (Gnuplot.Plot(context.ImagesDirectory, context.PlotWorkDirectory, "bench-goodput.png", "Success per second under faults (outage window shaded)",
                "seconds", "successful requests (%)", timelines,
                $"set yrange [0:105]\nset object 1 rect from {outageStart.TotalSeconds},0 to {outageStart.TotalSeconds + outageSeconds},105 fc rgb '#eeeeee' behind"))
        {
            report.Plots.Add("bench-goodput.png");
        }
    }

    private static string Attempts(LoadRun run)
    {
        var reported = run.Samples.Where(s => s.Attempts > 0).ToArray();
        return reported.Length == 0 ? "-" : $"{reported.Average(s => s.Attempts):0.00} / {reported.Max(s => s.Attempts)}";
    }

    /// <summary>Share of requests started in each second that succeeded.</summary>
    private static List<(double, double)> Timeline(LoadRun run) =>
        [.. run.Samples.GroupBy(s => (int)(s.StartMs / 1000)).OrderBy(g => g.Key)
            .Select(g => ((double)g.Key, 100.0 * g.Count(s => s.Succeeded) / g.Count()))];
}
