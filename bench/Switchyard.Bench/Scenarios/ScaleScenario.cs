using System.Globalization;
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
        var rampUp = TimeSpan.FromSeconds(smoke ? 0.2 : 3);
        var table = report.AddTable($"Concurrent streams held open {HoldMs(context) / 1000} s each (first token delayed by the emulator), opened over {rampUp.TotalSeconds:0.#} s, one Router",
            "Streams", "Gateway", "Completed", "Failures", "RSS before", "Peak RSS (VmHWM)", "Peak RSS sampled", "Added per stream", "Threads (max sampled)", "Managed heap after a full GC, streams open");

        var points = new List<(double, double)>();
        long peakAtLargest = 0;
        Profiling.HeapHistogram? routerHeap = null;
        await using (var router = await StartWarmRouterAsync(context, "router-streams", tenantKey, null))
        {
            foreach (var count in counts)
            {
                (peakAtLargest, routerHeap) = await HoldStreamsAsync(context, report, table, router, StreamTarget(router, tenantKey), count, rampUp, "as configured", histogram: count == counts[^1]);
                points.Add((count, peakAtLargest / 1048576.0));
            }
        }

        if (routerHeap is not null)
        {
            AddHistogram(report, routerHeap, counts[^1]);
        }

        // For information: the same largest step with server GC, ASP.NET Core's default (the Router ships with workstation GC).
        await using (var router = await StartWarmRouterAsync(context, "router-streams-server-gc", tenantKey, new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" }))
        {
            await HoldStreamsAsync(context, report, table, router, StreamTarget(router, tenantKey), counts[^1], rampUp, "DOTNET_gcServer=1 (for information)");
        }

        // For information: the same largest step speaking HTTP/2 to the emulator (docs/router.md, "Upstream HTTP version").
        await using (var router = await StartWarmRouterAsync(context, "router-streams-http2", tenantKey, BenchRouting.Http2Upstream))
        {
            await HoldStreamsAsync(context, report, table, router, StreamTarget(router, tenantKey), counts[^1], rampUp, "HTTP/2 upstream (for information)");
        }

        // Each --router-variant: the largest step through a Router with the variant's settings added.
        foreach (var variant in context.Options.RouterVariants)
        {
            await using var router = await StartWarmRouterAsync(context, "router-streams-" + variant.Label, tenantKey, variant.Environment);
            await HoldStreamsAsync(context, report, table, router, StreamTarget(router, tenantKey), counts[^1], rampUp, $"router ({variant.Label})");
        }

        // The floor at the largest step: the bare forwarder (Kestrel in, HttpClient out, same GC settings) holding as many
        // streams, bare (its heap is walked), admitting, traced as the Router is, and over HTTP/2.
        Profiling.HeapHistogram? floorHeap = null;
        foreach (var (name, label, admission, http2, tracing) in (ValueTuple<string, string, bool, bool, bool>[])
                 [
                     ("floor-streams", "floor: bare forwarder", false, false, false),
                     ("floor-streams-admission", "floor: bare forwarder + admission", true, false, false),
                     ("floor-streams-tracing", "floor: bare forwarder + tracing", false, false, true),
                     ("floor-streams-http2", "floor: bare forwarder, HTTP/2 upstream", false, true, false),
                 ])
        {
            await using var floor = await stack.StartBareForwarderAsync(name, admission, http2, tracing);
            // The forwarder passes the model through: it names the emulator's model, not the Router's group.
            var target = new ChatTarget($"streams-{floor.Process.Name}", [floor.ChatUri], BenchRouting.OpenAIModel, true, ChatTarget.Bearer(tenantKey));
            await context.Load.RunAsync(target, new LoadPlan(8, 200, TimeSpan.FromSeconds(2)));
            var (_, heap) = await HoldStreamsAsync(context, report, table, floor, target, counts[^1], rampUp, label, histogram: !admission && !http2 && !tracing);
            floorHeap ??= heap;
        }

        if (routerHeap is not null && floorHeap is not null)
        {
            AddBeyondFloor(report, routerHeap, floorHeap, counts[^1]);
        }

        report.Check($"Router memory at {counts[^1]} concurrent streams", "< 200 MB", peakAtLargest / 1048576.0, v => v < 200, "0.0 MB");
        if (Gnuplot.Plot(context.ImagesDirectory, context.PlotWorkDirectory, "bench-scale-memory.png", "Router peak RSS by concurrent slow streams",
                "concurrent streams", "peak RSS (MB)", [new Gnuplot.Series("router", points)], "set logscale x\nset yrange [0:*]"))
        {
            report.Plots.Add("bench-scale-memory.png");
        }
    }

    /// <summary>How long the emulator delays each stream's first token.</summary>
    private static int HoldMs(BenchContext context) => context.Options.Smoke ? 1_000 : 15_000;

    /// <summary>
    /// A Router that has served a few streams (JIT and pools warm) before its memory is measured. Its first-token
    /// deadline is raised above the hold: after the warm-up's fast first tokens the adaptive deadline (1.25 x p99,
    /// at least 1 s) would rightly call a deployment that holds every first token 15 s hung, and time the streams out.
    /// </summary>
    private static async Task<RouterProcess> StartWarmRouterAsync(BenchContext context, string name, string tenantKey, IReadOnlyDictionary<string, string>? environment)
    {
        var holdDeadline = TimeSpan.FromMilliseconds(HoldMs(context) * 2).ToString("c", CultureInfo.InvariantCulture);
        var router = await context.Stack.StartRouterAsync(name, new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Routing__ResponseTime__FirstToken__Floor"] = holdDeadline,
            ["Routing__ResponseTime__FirstToken__Default"] = holdDeadline,
        });
        await context.Load.RunAsync(StreamTarget(router, tenantKey), new LoadPlan(8, 200, TimeSpan.FromSeconds(2)));
        return router;
    }

    private static ChatTarget StreamTarget(RouterProcess router, string tenantKey) =>
        new($"streams-{router.Process.Name}", [router.ChatUri], BenchRouting.OpenAIGroup, true, ChatTarget.Bearer(tenantKey));

    /// <summary>
    /// Opens <paramref name="count"/> slow streams through a gateway (the Router or the floor) and returns its peak RSS while they were open;
    /// with <paramref name="histogram"/>, also which types filled its managed heap meanwhile (null, and a finding, if ClrMD failed).
    /// </summary>
    private static async Task<(long Peak, Profiling.HeapHistogram? Heap)> HoldStreamsAsync(BenchContext context, ScenarioReport report, ReportTable table, RouterProcess router, ChatTarget target, int count, TimeSpan rampUp, string label, bool histogram = false)
    {
        await context.Stack.EmulatorAdmin.AddFaultAsync(new EmulatorFault("latency", Model: BenchRouting.OpenAIModel, LatencyMs: HoldMs(context), DurationSeconds: 3_600));
        var before = router.Process.Sample();
        var peakReset = ProcessSample.ResetPeak(router.Process.Pid);
        var plan = new LoadPlan(count, count, TimeSpan.FromSeconds(120)) { RampUp = rampUp, RequestTimeout = TimeSpan.FromSeconds(90) };
        var load = context.Load.RunAsync(target, plan);
        // Once every stream is open (they stay open HoldMs from their start), measure the live managed heap.
        var heap = Task.Delay(rampUp + TimeSpan.FromMilliseconds(HoldMs(context) / 4.0)).ContinueWith(_ => Profiling.ManagedHeap.MeasureAsync(router.Process.Pid, TimeSpan.FromSeconds(5)), TaskScheduler.Default).Unwrap();
        // Right after that full collection, streams still open: the heap by type (the Router is suspended while ClrMD walks it).
        var types = histogram
            ? heap.ContinueWith(_ => Profiling.HeapHistogram.TakeAsync(router.Process.Pid, HistogramBudget), TaskScheduler.Default).Unwrap()
            : null;
        long sampled = 0;
        var threads = 0;
        while (!load.IsCompleted)
        {
            var sample = router.Process.Sample();
            sampled = Math.Max(sampled, sample.RssBytes);
            threads = Math.Max(threads, sample.Threads);
            await Task.WhenAny(load, Task.Delay(200));
        }

        var run = await load;
        var managed = await heap;
        var histogramTaken = types is null ? null : await HistogramOrFindingAsync(report, types, label);

        await context.Stack.EmulatorAdmin.ClearFaultsAsync();
        context.Load.Forget(target.Name);
        var peak = peakReset ? router.Process.Sample().PeakRssBytes : sampled;
        report.NoteFailure($"{count} streams, {label}", run);
        table.Add(count, label, run.Succeeded, run.Failures(), Format.Megabytes(before.RssBytes), peakReset ? Format.Megabytes(peak) : "n/a (clear_refs refused)",
            Format.Megabytes(sampled), $"{(peak - before.RssBytes) / 1024.0 / count:0.0} KB", threads, managed is { } bytes ? Format.Megabytes(bytes) : "n/a");
        BenchContext.Log($"scale: {count} streams ({label}), {run.Succeeded} completed, peak RSS {Format.Megabytes(peak)}");
        return (peak, histogramTaken);
    }

    /// <summary>
    /// The longest the Router may stay suspended for the histogram: it starts a quarter into the full run's
    /// 15 s hold (plus the ramp-up and the induced collection) and must end before the first streams answer.
    /// </summary>
    private static readonly TimeSpan HistogramBudget = TimeSpan.FromSeconds(6);

    private const int HistogramTypes = 15;

    private static async Task<Profiling.HeapHistogram?> HistogramOrFindingAsync(ScenarioReport report, Task<Profiling.HeapHistogram> taking, string label)
    {
        try
        {
            var histogram = await taking;
            BenchContext.Log($"scale: heap histogram ({label}): {histogram.Objects} objects, {Format.Megabytes(histogram.Bytes)}, {histogram.Types.Count} types, in {histogram.Elapsed.TotalSeconds:0.00} s");
            return histogram;
        }
        catch (Exception e)
        {
            report.Findings.Add($"The managed heap ({label}) could not be broken down by type with ClrMD: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    /// <summary>The top types of the Router's heap while <paramref name="streams"/> streams were open.</summary>
    private static void AddHistogram(ScenarioReport report, Profiling.HeapHistogram histogram, int streams)
    {
        var table = report.AddTable($"Live managed heap of the Router by type while {streams} streams were open: the top {HistogramTypes} of {histogram.Types.Count} types by bytes "
            + $"(ClrMD heap walk right after the full GC above, Router suspended {histogram.Elapsed.TotalSeconds:0.0} s)",
            "Type", "Objects", "Total MB", "Bytes per open stream");
        void Row(string type, long count, long bytes) => table.Add(type, count, $"{bytes / 1048576.0:0.00}", $"{(double)bytes / streams:0}");
        foreach (var type in histogram.Types.Take(HistogramTypes))
        {
            Row($"`{type.Type}`", type.Count, type.Bytes);
        }

        var others = histogram.Types.Skip(HistogramTypes).ToList();
        Row($"All other types ({others.Count})", others.Sum(t => t.Count), others.Sum(t => t.Bytes));
        Row("Total", histogram.Objects, histogram.Bytes);
    }

    /// <summary>
    /// What the Router's heap holds beyond the floor's, per open stream, by type: both walked right after a full collection
    /// with as many streams open. Where a per-stream memory saving can come from, and how much any one type can give.
    /// </summary>
    private static void AddBeyondFloor(ScenarioReport report, Profiling.HeapHistogram router, Profiling.HeapHistogram floor, int streams)
    {
        // Types only the floor holds count negative, so the rows add up to the totals' difference.
        var floorTypes = floor.Types.ToDictionary(t => t.Type, StringComparer.Ordinal);
        var routerTypes = router.Types.Select(t => t.Type).ToHashSet(StringComparer.Ordinal);
        var beyond = router.Types
            .Select(t => floorTypes.TryGetValue(t.Type, out var f) ? (t.Type, Count: t.Count - f.Count, Bytes: t.Bytes - f.Bytes) : (t.Type, t.Count, t.Bytes))
            .Concat(floor.Types.Where(f => !routerTypes.Contains(f.Type)).Select(f => (f.Type, Count: -f.Count, Bytes: -f.Bytes)))
            .OrderByDescending(t => t.Bytes)
            .ToList();
        var table = report.AddTable($"What the Router's managed heap holds beyond the floor's (bare forwarder) with {streams} streams open: the top {HistogramTypes} types by bytes more "
            + "(both heaps walked with ClrMD right after a full GC)", "Type", "Objects more per open stream", "Bytes more per open stream");
        void Row(string type, long count, long bytes) => table.Add(type, $"{(double)count / streams:0.0}", $"{(double)bytes / streams:0}");
        foreach (var (type, count, bytes) in beyond.Take(HistogramTypes))
        {
            Row($"`{type}`", count, bytes);
        }

        var others = beyond.Skip(HistogramTypes).ToList();
        Row($"All other types ({others.Count}, some held more by the floor)", others.Sum(t => t.Count), others.Sum(t => t.Bytes));
        Row("Total", router.Objects - floor.Objects, router.Bytes - floor.Bytes);
        report.Findings.Add($"Per open stream the Router's heap holds {(router.Bytes - floor.Bytes) / 1024.0 / streams:0.0} KB more than the floor's "
            + $"({router.Bytes / 1024.0 / streams:0.0} KB against {floor.Bytes / 1024.0 / streams:0.0} KB, the idle heap included), spread over many types: "
            + $"the largest, `{beyond[0].Type}`, is {beyond[0].Bytes / 1024.0 / streams:0.0} KB of it.");
    }
}
