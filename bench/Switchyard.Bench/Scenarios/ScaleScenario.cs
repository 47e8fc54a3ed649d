using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// Issue 7 §5: throughput with one and two Router replicas (the client spreads requests over them), and
/// the memory of one Router holding 100, 1,000 and 5,000 concurrent slow streams. Streams are kept open
/// by an injected first-token delay at the emulator, then answer briefly.
/// </summary>
public sealed class ScaleScenario : IScenario
{
    public string Id => "scale";

    public string Title => "Scale: replicas and concurrent streams";

    public async Task RunAsync(BenchContext context, ScenarioReport report)
    {
        var stack = context.Stack;
        var tenantKey = await stack.QuotaAdmin.CreateTenantAsync("bench-scale");
        await MeasureReplicasAsync(context, report, tenantKey);
        await MeasureStreamsAsync(context, report, tenantKey);
    }

    private static async Task MeasureReplicasAsync(BenchContext context, ScenarioReport report, string tenantKey)
    {
        var stack = context.Stack;
        await using var first = await stack.StartRouterAsync("router-scale-1");
        await using var second = await stack.StartRouterAsync("router-scale-2");
        var targets = new[]
        {
            (Replicas: 1, Target: new ChatTarget("scale-1-replica", [first.ChatUri], BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(tenantKey))),
            (Replicas: 2, Target: new ChatTarget("scale-2-replicas", [first.ChatUri, second.ChatUri], BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(tenantKey))),
        };
        var plan = new LoadPlan(64, 500_000, context.Options.Duration(5, 0.3));
        var cpu = CpuMeter.For(first.Process, second.Process, stack.Emulator);
        var runs = targets.ToDictionary(t => t.Replicas, _ => new List<LoadRun>());
        var routerCpu = targets.ToDictionary(t => t.Replicas, _ => TimeSpan.Zero);
        foreach (var (_, target) in targets)
        {
            await context.Load.RunAsync(target, plan with { Duration = context.Options.Duration(1, 0.2) });
        }

        for (var round = 0; round < (context.Options.Smoke ? 1 : 3); round++)
        {
            foreach (var (replicas, target) in targets)
            {
                var before = cpu.Read();
                runs[replicas].Add(await context.Load.RunAsync(target, plan));
                var spent = CpuMeter.Delta(before, cpu.Read());
                routerCpu[replicas] += spent[first.Process.Name] + spent[second.Process.Name];
            }
        }

        var table = report.AddTable($"Non-streaming, 64 concurrent, {plan.Duration.TotalSeconds:0.#} s x {runs[1].Count} alternating rounds, on {Environment.ProcessorCount} cores shared with the emulator and the client",
            "Router replicas", "Requests", "Failures", "Req/s", "p50 ms", "p99 ms", "Router CPU ms/req (all replicas)");
        foreach (var (replicas, list) in runs)
        {
            var run = LoadRun.Merge(list);
            report.NoteFailure($"{replicas} replica(s)", run);
            table.Add(replicas, run.Requests, run.Failures(), run.RequestsPerSecond, run.Latency().P50, run.Latency().P99, routerCpu[replicas].TotalMilliseconds / Math.Max(1, run.Requests));
        }
    }

    private static async Task MeasureStreamsAsync(BenchContext context, ScenarioReport report, string tenantKey)
    {
        var stack = context.Stack;
        var smoke = context.Options.Smoke;
        int[] counts = smoke ? [10, 50] : [100, 1_000, 5_000];
        var holdMs = smoke ? 1_000 : 15_000;
        await using var router = await stack.StartRouterAsync("router-streams");
        var target = new ChatTarget("streams", [router.ChatUri], BenchRouting.OpenAIGroup, true, ChatTarget.Bearer(tenantKey));
        await context.Load.RunAsync(target, new LoadPlan(8, 200, TimeSpan.FromSeconds(2)));
        await stack.EmulatorAdmin.AddFaultAsync(new EmulatorFault("latency", Model: BenchRouting.OpenAIModel, LatencyMs: holdMs, DurationSeconds: 3_600));

        var table = report.AddTable($"Concurrent streams held open {holdMs / 1000} s each (first token delayed by the emulator), opened over {(smoke ? 0.2 : 3):0.#} s, one Router",
            "Streams", "Completed", "Failures", "Router RSS before", "Router peak RSS (VmHWM)", "Peak RSS sampled", "Added per stream");
        var points = new List<(double, double)>();
        long peakAtLargest = 0;
        foreach (var count in counts)
        {
            var before = router.Process.Sample();
            var peakReset = ProcessSample.ResetPeak(router.Process.Pid);
            var plan = new LoadPlan(count, count, TimeSpan.FromSeconds(120)) { RampUp = TimeSpan.FromSeconds(smoke ? 0.2 : 3), RequestTimeout = TimeSpan.FromSeconds(90) };
            var load = context.Load.RunAsync(target, plan);
            long sampled = 0;
            while (!load.IsCompleted)
            {
                sampled = Math.Max(sampled, router.Process.Sample().RssBytes);
                await Task.WhenAny(load, Task.Delay(200));
            }

            var run = await load;
            var peak = peakReset ? router.Process.Sample().PeakRssBytes : sampled;
            peakAtLargest = peak;
            report.NoteFailure($"{count} streams", run);
            table.Add(count, run.Succeeded, run.Failures(), Format.Megabytes(before.RssBytes), peakReset ? Format.Megabytes(peak) : "n/a (clear_refs refused)", Format.Megabytes(sampled),
                $"{(peak - before.RssBytes) / 1024.0 / count:0.0} KB");
            points.Add((count, peak / 1048576.0));
            BenchContext.Log($"scale: {count} streams, {run.Succeeded} completed, peak RSS {Format.Megabytes(peak)}");
        }

        await stack.EmulatorAdmin.ClearFaultsAsync();
        report.Check($"Router memory at {counts[^1]} concurrent streams", "< 200 MB", peakAtLargest / 1048576.0, v => v < 200, "0.0 MB");
        if (Gnuplot.Plot(context.ImagesDirectory, context.PlotWorkDirectory, "bench-scale-memory.png", "Router peak RSS by concurrent slow streams",
                "concurrent streams", "peak RSS (MB)", [new Gnuplot.Series("router", points)], "set logscale x\nset yrange [0:*]"))
        {
            report.Plots.Add("bench-scale-memory.png");
        }
    }
}
