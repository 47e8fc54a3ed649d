using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// Issue 7 §1: the same load sent directly to the emulator's OpenAI-compatible endpoint, through the
/// Router (OpenAI-compatible provider, and Bedrock Converse for information) and through Portkey,
/// alternating target by target within every round so drifts of the machine hit all alike.
/// </summary>
public sealed class OverheadScenario : IScenario
{
    public string Id => "overhead";

    public string Title => "Overhead: direct vs Router vs Portkey";

    private const string NoTenancy = "router (tenancy off)";

    private const string NoTelemetry = "router (OpenTelemetry off)";

    private const string DefaultGen0 = "router (default 6 MB gen0)";

    private const string Http2Router = "router (HTTP/2 upstream)";

    private const string Floor = "floor: bare forwarder";

    private const string Http2Floor = "floor: bare forwarder, HTTP/2 upstream";

    private const string FloorAdmission = "floor: bare forwarder + admission";

    private const string FloorTracing = "floor: bare forwarder + tracing";

    private sealed record Variant(string Name, ServerProcess Gateway, Func<bool, ChatTarget> Target);

    private sealed record Cell(bool Stream, int Concurrency)
    {
        public override string ToString() => $"{(Stream ? "streaming" : "non-streaming")}, {Concurrency} concurrent";
    }

    private sealed class Tally
    {
        public List<LoadRun> Runs { get; } = [];

        public Dictionary<string, TimeSpan> Cpu { get; } = [];

        public LoadRun Merged => LoadRun.Merge(Runs);

        /// <summary>Script calls the store served during this cell's runs; null when the store does not say.</summary>
        public long? StoreScriptCalls { get; set; } = 0;

        public double CpuMsPerRequest(string process) =>
            Cpu.TryGetValue(process, out var cpu) ? cpu.TotalMilliseconds / Math.Max(1, Runs.Sum(r => r.Requests)) : double.NaN;
    }

    public async Task RunAsync(BenchContext context, ScenarioReport report)
    {
        var options = context.Options;
        var stack = context.Stack;
        var emulator = stack.EmulatorAdmin;
        var tenantKey = await stack.QuotaAdmin.CreateTenantAsync("bench-overhead");
        await using var router = await stack.StartRouterAsync("router-overhead");
        // The same Router with tenancy off: the difference to "router" is what admission and settlement cost.
        await using var open = await stack.StartRouterAsync("router-tenancy-off", new Dictionary<string, string> { ["Tenancy__Enabled"] = "false" });
        // The same Router with OpenTelemetry off (no spans, metrics or exported logs): what telemetry costs.
        await using var quiet = await stack.StartRouterAsync("router-telemetry-off", new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = "true" });
        // The same Router without the AppHost's 64 MB gen0 budget (0 = the GC's default): what that setting is worth.
        await using var defaultGen0 = await stack.StartRouterAsync("router-default-gen0", new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0" });

        // The same Router speaking HTTP/2 to the emulator (HttpVersion "2", docs/router.md), beside the floor doing the same.
        await using var http2 = await stack.StartRouterAsync("router-http2", BenchRouting.Http2Upstream);

        // The floor (bench/BareForwarder): what any .NET hop costs here, that hop plus the one admission round trip, and
        // that hop traced, metered and exported as the Router is.
        await using var floor = await stack.StartBareForwarderAsync("bare-forwarder", admission: false);
        await using var floorAdmission = await stack.StartBareForwarderAsync("bare-forwarder-admission", admission: true);
        await using var floorTracing = await stack.StartBareForwarderAsync("bare-forwarder-tracing", admission: false, tracing: true);
        await using var floorHttp2 = await stack.StartBareForwarderAsync("bare-forwarder-http2", admission: false, http2: true);

        // Each --router-variant: the same Router with the variant's settings, measured beside it.
        await using var extra = new RouterProcesses();
        foreach (var variant in options.RouterVariants)
        {
            extra.Add(await stack.StartRouterAsync("router-" + variant.Label, variant.Environment));
        }

        var portkeyHeaders = ChatTarget.Bearer(EmulatorAdmin.OpenAIKey, (PortkeyConfig.Header, PortkeyConfig.Single(emulator)));
        var portkeyChat = new Uri(stack.PortkeyBase, "/v1/chat/completions");
        List<Variant> variants =
        [
            new("direct", stack.Emulator, stream => new ChatTarget("direct", [emulator.ChatUri], BenchRouting.OpenAIModel, stream, ChatTarget.Bearer(EmulatorAdmin.OpenAIKey))),
            new("router", router.Process, stream => new ChatTarget("router", [router.ChatUri], BenchRouting.OpenAIGroup, stream, ChatTarget.Bearer(tenantKey))),
            .. options.RouterVariants.Zip(extra.Started, (variant, process) => new Variant($"router ({variant.Label})", process.Process,
                stream => new ChatTarget("router-" + variant.Label, [process.ChatUri], BenchRouting.OpenAIGroup, stream, ChatTarget.Bearer(tenantKey)))),
            new(NoTenancy, open.Process, stream => new ChatTarget("router-tenancy-off", [open.ChatUri], BenchRouting.OpenAIGroup, stream, new Dictionary<string, string>())),
            new(NoTelemetry, quiet.Process, stream => new ChatTarget("router-telemetry-off", [quiet.ChatUri], BenchRouting.OpenAIGroup, stream, ChatTarget.Bearer(tenantKey))),
            new(DefaultGen0, defaultGen0.Process, stream => new ChatTarget("router-default-gen0", [defaultGen0.ChatUri], BenchRouting.OpenAIGroup, stream, ChatTarget.Bearer(tenantKey))),
            new(Http2Router, http2.Process, stream => new ChatTarget("router-http2", [http2.ChatUri], BenchRouting.OpenAIGroup, stream, ChatTarget.Bearer(tenantKey))),
            new("router (Bedrock)", router.Process, stream => new ChatTarget("router-bedrock", [router.ChatUri], BenchRouting.BedrockGroup, stream, ChatTarget.Bearer(tenantKey))),
            new(Floor, floor.Process, stream => new ChatTarget("bare-forwarder", [floor.ChatUri], BenchRouting.OpenAIModel, stream, new Dictionary<string, string>())),
            new(FloorAdmission, floorAdmission.Process, stream => new ChatTarget("bare-forwarder-admission", [floorAdmission.ChatUri], BenchRouting.OpenAIModel, stream, ChatTarget.Bearer(tenantKey))),
            new(FloorTracing, floorTracing.Process, stream => new ChatTarget("bare-forwarder-tracing", [floorTracing.ChatUri], BenchRouting.OpenAIModel, stream, new Dictionary<string, string>())),
            new(Http2Floor, floorHttp2.Process, stream => new ChatTarget("bare-forwarder-http2", [floorHttp2.ChatUri], BenchRouting.OpenAIModel, stream, new Dictionary<string, string>())),
            new("portkey", stack.Portkey, stream => new ChatTarget("portkey", [portkeyChat], BenchRouting.OpenAIModel, stream, portkeyHeaders)),
        ];

        var portkeyStreams = await ProbePortkeyStreamingAsync(context, variants[^1].Target(true), report);
        Cell[] cells = [new(false, 1), new(false, 64), new(true, 1), new(true, 64)];
        var processes = variants.Select(v => v.Gateway).Distinct().ToArray();
        foreach (var process in processes)
        {
            ProcessSample.ResetPeak(process.Pid);
        }

        var cpu = CpuMeter.For(processes);
        var tallies = new Dictionary<(string, Cell), Tally>();
        var rounds = options.Smoke ? 1 : 3;
        var cellDuration = options.Duration(3, 0.3);
        await WarmUpAsync(context, report, variants, cells, portkeyStreams);
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var cell in cells)
            {
                foreach (var variant in variants.Where(v => !cell.Stream || v.Name != "portkey" || portkeyStreams))
                {
                    var before = cpu.Read();
                    var scriptsBefore = await StoreCommandStats.ScriptCallsAsync(stack.StorePort);
                    var run = await context.Load.RunAsync(variant.Target(cell.Stream), new LoadPlan(cell.Concurrency, 200_000, cellDuration));
                    var spent = CpuMeter.Delta(before, cpu.Read());
                    var scriptsAfter = await StoreCommandStats.ScriptCallsAsync(stack.StorePort);
                    var tally = tallies.TryGetValue((variant.Name, cell), out var t) ? t : tallies[(variant.Name, cell)] = new Tally();
                    tally.Runs.Add(run);
                    tally.StoreScriptCalls = tally.StoreScriptCalls + (scriptsAfter - scriptsBefore);
                    foreach (var (process, time) in spent)
                    {
                        tally.Cpu[process] = tally.Cpu.GetValueOrDefault(process) + time;
                    }
                }
            }

            BenchContext.Log($"overhead: round {round} of {rounds} done");
        }

        WriteTables(report, variants, cells, tallies, stack);
        WriteMemory(report, processes);
        var local = tallies.Where(t => t.Key.Item1.StartsWith("router", StringComparison.Ordinal)).Sum(t => t.Value.Runs.Sum(r => r.LocallyAdmitted));
        var routed = tallies.Where(t => t.Key.Item1.StartsWith("router", StringComparison.Ordinal)).Sum(t => t.Value.Runs.Sum(r => r.Succeeded));
        report.Findings.Add($"{local} of the {routed} requests through the Router were admitted by its local fallback (header x-switchyard-admission: the quota store did not answer within Admission:StoreTimeout).");
        var one = new Cell(false, 1);
        var (tuned, untuned) = (tallies[("router", one)].Merged.Latency(), tallies[(DefaultGen0, one)].Merged.Latency());
        var (direct, bare, admitted, traced) = (tallies[("direct", one)].Merged.Latency(), tallies[(Floor, one)].Merged.Latency(),
            tallies[(FloorAdmission, one)].Merged.Latency(), tallies[(FloorTracing, one)].Merged.Latency());
        report.Findings.Add($"The floor, one at a time: a bare .NET forwarder (Kestrel in, HttpClient out, nothing else) adds {bare.P50 - direct.P50:0.000} ms p50 and {bare.P99 - direct.P99:0.000} ms p99 over direct; "
            + $"the same forwarder making the Router's admission call per request (one Admit script round trip, settlement after the response) adds {admitted.P50 - direct.P50:0.000} ms p50 and {admitted.P99 - direct.P99:0.000} ms p99; "
            + $"traced and exported as the Router is, it adds {traced.P50 - direct.P50:0.000} ms p50 and {traced.P99 - direct.P99:0.000} ms p99. "
            + "That is the least a .NET gateway (Kestrel, HttpClient, StackExchange.Redis, OpenTelemetry) adds here when it admits every request in the shared store with one round trip, or traces it.");
        report.Findings.Add(LayerCosts(tallies, variants));
        report.Findings.Add(Http2Costs(tallies, variants));
        if (tallies[("router", one)].StoreScriptCalls is { } oneCalls)
        {
            // Admission blocks take a busy tenant's admissions off the store; what is left one at a time is in the tail.
            var oneTally = tallies[("router", one)];
            report.Findings.Add($"Store script calls per request through the Router one at a time (non-streaming, {oneTally.Merged.RequestsPerSecond:0} req/s): "
                + $"{(double)oneCalls / Math.Max(1, oneTally.Runs.Sum(r => r.Requests)):0.000}.");
        }

        report.Findings.Add(TailOverTime(tallies, variants, one));
        report.Findings.Add($"The 64 MB gen0 budget (DOTNET_GCgen0size, as the AppHost runs the Router), one at a time: p50 {tuned.P50:0.000} ms against {untuned.P50:0.000} ms with the GC's default, p99 {tuned.P99:0.000} ms against {untuned.P99:0.000} ms.");
        WriteTargets(report, tallies, variants, portkeyStreams);
        WriteProfile(report, tallies, variants, stack.Emulator.Name);
        await MeasureEventCostAsync(context, report,
        [
            ("router", router.Process, maxTokens => new ChatTarget("router", [router.ChatUri], BenchRouting.OpenAIGroup, true, ChatTarget.Bearer(tenantKey), maxTokens)),
            (Floor, floor.Process, maxTokens => new ChatTarget("bare-forwarder", [floor.ChatUri], BenchRouting.OpenAIModel, true, new Dictionary<string, string>(), maxTokens)),
        ]);
        var agentKey = new Dictionary<string, string> { ["x-api-key"] = tenantKey, ["anthropic-version"] = "2023-06-01" };
        await MeasureLargeRequestAsync(context, report,
        [
            ("router, Messages door", router.Process, new ChatTarget("router-agent-messages", [router.MessagesUri], AgentTurn.Messages(BenchRouting.OpenAIGroup), false, agentKey)),
            ("router, Messages door, to Bedrock", router.Process, new ChatTarget("router-agent-bedrock", [router.MessagesUri], AgentTurn.Messages(BenchRouting.BedrockGroup), false, agentKey)),
            ("router, Chat Completions door", router.Process, new ChatTarget("router-agent-chat", [router.ChatUri], AgentTurn.Chat(BenchRouting.OpenAIGroup), false, ChatTarget.Bearer(tenantKey))),
            (Floor, floor.Process, new ChatTarget("bare-forwarder-agent", [floor.ChatUri], AgentTurn.Chat(BenchRouting.OpenAIModel), false, new Dictionary<string, string>())),
        ]);
        PlotLatency(context, report, variants, tallies);
        await ProfileRouterAsync(context, report, router, variants[1].Target(false));
    }

    /// <summary>
    /// What each streamed event costs a gateway: short and long answers (max_tokens 32 and 256) streamed at 64
    /// concurrent, taking turns in every round; the difference in gateway CPU per request over the difference in
    /// events per request. What a request costs once (parsing, routing, admission, its spans) cancels out, so this
    /// is the cost that grows with the length of an answer, which real answers (hundreds of tokens) are dominated by.
    /// </summary>
    private static async Task MeasureEventCostAsync(BenchContext context, ScenarioReport report, (string Name, ServerProcess Gateway, Func<int, ChatTarget> Target)[] targets)
    {
        int[] lengths = [32, 256];
        var cpu = CpuMeter.For([.. targets.Select(t => t.Gateway)]);
        var spent = new Dictionary<(string, int), TimeSpan>();
        var runs = new Dictionary<(string, int), List<LoadRun>>();
        var rounds = context.Options.Smoke ? 1 : 3;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, gateway, target) in targets)
            {
                foreach (var maxTokens in lengths)
                {
                    var before = cpu.Read();
                    var run = await context.Load.RunAsync(target(maxTokens), new LoadPlan(64, 200_000, context.Options.Duration(3, 0.3)));
                    spent[(name, maxTokens)] = spent.GetValueOrDefault((name, maxTokens)) + CpuMeter.Delta(before, cpu.Read())[gateway.Name];
                    (runs.TryGetValue((name, maxTokens), out var list) ? list : runs[(name, maxTokens)] = []).Add(run);
                    report.NoteFailure($"{name}, streaming max_tokens {maxTokens}, 64 concurrent", run);
                }
            }
        }

        var table = report.AddTable("CPU per streamed event, 64 concurrent: answers of max_tokens 32 and 256 streamed in turns",
            "Target", "Events per request (32 / 256)", "Gateway CPU ms/req (32 / 256)", "Gateway CPU per event µs");
        var perEvent = new Dictionary<string, double>();
        foreach (var (name, _, _) in targets)
        {
            var (events, cpuPerRequest) = (new double[lengths.Length], new double[lengths.Length]);
            for (var i = 0; i < lengths.Length; i++)
            {
                var samples = runs[(name, lengths[i])].SelectMany(r => r.Samples).Where(s => s.Succeeded).ToArray();
                events[i] = samples.Length == 0 ? double.NaN : samples.Average(s => s.Events);
                cpuPerRequest[i] = spent[(name, lengths[i])].TotalMilliseconds / Math.Max(1, runs[(name, lengths[i])].Sum(r => r.Requests));
            }

            perEvent[name] = (cpuPerRequest[1] - cpuPerRequest[0]) * 1000 / (events[1] - events[0]);
            table.Add(name, $"{events[0]:0.0} / {events[1]:0.0}", $"{cpuPerRequest[0]:0.000} / {cpuPerRequest[1]:0.000}", $"{perEvent[name]:0.00}");
        }

        report.Findings.Add($"Each streamed event costs the Router {perEvent["router"]:0.00} µs of CPU and the floor {perEvent[Floor]:0.00} µs "
            + $"({perEvent["router"] / perEvent[Floor]:0.0}x): the Router parses every upstream event into an update, passes it through its latency "
            + "model and stall limit, and writes a new event, where the floor copies bytes.");
    }

    /// <summary>
    /// What a large request costs: a coding agent's turn (<see cref="AgentTurn"/>, about 115 KB of system prompt, tool
    /// schemas and conversation, as Claude Code sends every turn) through the Router's Messages and Chat Completions doors
    /// and through the floor (the same content as a Chat Completions body, forwarded byte for byte), taking turns in every
    /// round, 16 concurrent, non-streaming. Reading, checking and rewriting such a body is most of what the request costs.
    /// </summary>
    private static async Task MeasureLargeRequestAsync(BenchContext context, ScenarioReport report, (string Name, ServerProcess Gateway, ChatTarget Target)[] targets)
    {
        var cpu = CpuMeter.For([.. targets.Select(t => t.Gateway).Distinct()]);
        var spent = new Dictionary<string, TimeSpan>();
        var runs = targets.ToDictionary(t => t.Name, _ => new List<LoadRun>());
        var rounds = context.Options.Smoke ? 1 : 3;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, gateway, target) in targets)
            {
                var before = cpu.Read();
                var run = await context.Load.RunAsync(target, new LoadPlan(16, 100_000, context.Options.Duration(3, 0.3)));
                spent[name] = spent.GetValueOrDefault(name) + CpuMeter.Delta(before, cpu.Read())[gateway.Name];
                runs[name].Add(run);
                report.NoteFailure($"{name}, a coding agent's turn, 16 concurrent", run);
            }
        }

        var perRequest = targets.ToDictionary(t => t.Name, t => spent[t.Name].TotalMilliseconds / Math.Max(1, runs[t.Name].Sum(r => r.Requests)));
        var table = report.AddTable("CPU per large request, 16 concurrent, non-streaming: a coding agent's turn (system prompt, 24 tools with schemas, a few turns)",
            "Target", "Body KB", "Requests", "Success", "Req/s", "Gateway CPU ms/req", "vs the floor");
        foreach (var (name, _, target) in targets)
        {
            var merged = LoadRun.Merge(runs[name]);
            table.Add(name, $"{target.BodyBytes / 1024.0:0.0}", merged.Requests.ToString(), Format.Percent(merged.SuccessRate), $"{merged.RequestsPerSecond:0}",
                $"{perRequest[name]:0.000}", $"{perRequest[name] / perRequest[Floor]:0.00}x");
        }

        report.Findings.Add($"A coding agent's turn ({targets[0].Target.BodyBytes / 1024.0:0} KB) costs the Router {perRequest[targets[0].Name]:0.000} ms of CPU through its Messages door "
            + $"and {perRequest[targets[2].Name]:0.000} ms through its Chat Completions door, the floor {perRequest[Floor]:0.000} ms to forward it "
            + $"({perRequest[targets[0].Name] / perRequest[Floor]:0.0}x and {perRequest[targets[2].Name] / perRequest[Floor]:0.0}x): the Router reads the body typed, "
            + "checks it, maps it and writes the upstream's body anew, where the floor copies bytes.");
    }

    /// <summary>
    /// The Router under the 64-concurrent non-streaming load, profiled over EventPipe after the
    /// measurements (the session costs CPU of its own, so it never overlaps them).
    /// </summary>
    private static async Task ProfileRouterAsync(BenchContext context, ScenarioReport report, RouterProcess router, ChatTarget target)
    {
        LoadRun? run = null;
        Profiling.RouterProfile profile;
        try
        {
            profile = await Profiling.RouterProfile.CaptureAsync(router.Process.Pid, Path.Combine(context.Options.ResultsDirectory, "router-profile.nettrace"),
                async () => run = await context.Load.RunAsync(target, new LoadPlan(64, 500_000, context.Options.Duration(5, 0.5))));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or TimeoutException
            or Microsoft.Diagnostics.NETCore.Client.ServerNotAvailableException)
        {
            report.Findings.Add($"The Router could not be profiled over EventPipe: {e.GetType().Name}: {e.Message}");
            return;
        }

        var requests = Math.Max(1, run!.Requests);
        var share = (int samples) => Format.Percent((double)samples / Math.Max(1, profile.ManagedSamples));
        var inclusive = report.AddTable($"Router CPU profile, non-streaming, 64 concurrent: share of the {profile.ManagedSamples} managed-code samples whose stack includes each component ({run.Requests} requests, {run.RequestsPerSecond:0} req/s under the profiler)",
            "Component (inclusive)", "Share of samples");
        foreach (var (component, samples) in profile.Inclusive)
        {
            inclusive.Add(component, share(samples));
        }

        var leaf = report.AddTable("The same samples by the component of the innermost frame in a known namespace (exclusive)", "Component (exclusive)", "Share of samples");
        foreach (var (component, samples) in profile.ByLeafComponent)
        {
            leaf.Add(component, share(samples));
        }

        var methods = report.AddTable("Hottest methods (top frame of the managed-code samples)", "Method", "Share of samples");
        foreach (var (method, samples) in profile.TopMethods)
        {
            methods.Add(Shorten(method), share(samples));
        }

        var sites = report.AddTable("Hottest call sites (innermost frame outside System.*: whose work the time above was)", "Method", "Share of samples");
        foreach (var (method, samples) in profile.TopCallSites)
        {
            sites.Add(Shorten(method), share(samples));
        }

        var locks = report.AddTable("Contended locks (samples waiting in Monitor.Enter): the two frames that took the lock", "Taken by", "Share of samples");
        foreach (var (takers, samples) in profile.LockCallers)
        {
            locks.Add(Shorten(takers), share(samples));
        }

        var types = report.AddTable("Allocated per request by type (GC allocation ticks: one per about 100 KB, so a sample of the types)", "Type", "KB per request");
        foreach (var (type, bytes) in profile.AllocatedByType)
        {
            types.Add(Shorten(type), $"{bytes / requests / 1024:0.00}");
        }

        var allocators = report.AddTable("Allocated per request by call site (innermost frame outside System.*)", "Method", "KB per request");
        foreach (var (method, bytes) in profile.AllocationSites)
        {
            allocators.Add(Shorten(method), $"{bytes / requests / 1024:0.00}");
        }

        var runtime = report.AddTable("Router runtime events over the profiled load", "Counter", "Value");
        runtime.Add("Allocated per request (sum of GC allocation ticks)", $"{profile.AllocatedBytes / requests / 1024:0.0} KB");
        runtime.Add("Garbage collections per 1,000 requests", profile.GcCount * 1000 / requests);
        runtime.Add("Exceptions thrown per request", (double)profile.Exceptions.Sum(e => e.Count) / requests);
        foreach (var (type, count) in profile.Exceptions)
        {
            runtime.Add($"... of which {type}", count);
        }
    }

    /// <summary>
    /// Warms every target until it is steady: a just-started .NET process runs its hot paths as
    /// unoptimised tier-0 code and recompiles them on a background thread for several seconds, so a
    /// fixed short warm-up measures start-up, not the path. Each pass runs every cell for a second; a
    /// .NET target is warm after a pass in which its tiered-compilation thread used at most one 10 ms clock
    /// tick (timers and exporters keep promoting a rarely called method now and then), Portkey
    /// (Node.js, no such thread) when its one-at-a-time p50 improved by less than 5 % (3 to 15 passes).
    /// </summary>
    private static async Task WarmUpAsync(BenchContext context, ScenarioReport report, List<Variant> variants, Cell[] cells, bool portkeyStreams)
    {
        var (minimum, maximum) = context.Options.Smoke ? (1, 1) : (3, 15);
        var passes = new List<string>();
        foreach (var variant in variants)
        {
            var pid = variant.Gateway.Pid;
            var previous = double.MaxValue;
            var pass = 0;
            while (pass < maximum)
            {
                pass++;
                var compiledBefore = ProcessSample.TieredCompilationCpu(pid);
                var p50 = double.NaN;
                foreach (var cell in cells.Where(c => !c.Stream || variant.Name != "portkey" || portkeyStreams))
                {
                    var run = await context.Load.RunAsync(variant.Target(cell.Stream), new LoadPlan(cell.Concurrency, 200_000, context.Options.Duration(1, 0.2)));
                    if (cell == cells[0])
                    {
                        p50 = run.Latency().P50;
                    }
                }

                var steady = ProcessSample.TieredCompilationCpu(pid) is { } compiledAfter && compiledBefore is { } before
                    ? compiledAfter - before <= TimeSpan.FromMilliseconds(10)
                    : p50 > previous * 0.95;
                previous = Math.Min(previous, p50);
                if (pass >= minimum && steady)
                {
                    break;
                }
            }

            passes.Add($"{variant.Name} {pass}");
            BenchContext.Log($"overhead: {variant.Name} warm after {pass} passes (one-at-a-time p50 {previous:0.000} ms)");
        }

        report.Findings.Add($"Warm-up passes per target (every cell for 1 s each) until the .NET tiered-compilation thread used at most one 10 ms tick in a pass (Portkey: until its one-at-a-time p50 improved by less than 5 %), at most 15: {string.Join(", ", passes)}.");
    }

    /// <summary>One streaming request through Portkey: the issue expects HTTP 500 from 1.15.2 on this machine.</summary>
    private static async Task<bool> ProbePortkeyStreamingAsync(BenchContext context, ChatTarget target, ScenarioReport report)
    {
        using var client = new HttpClient();
        using var request = target.CreateRequest();
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var works = response.IsSuccessStatusCode && body.Contains("[DONE]", StringComparison.Ordinal);
        var logLine = File.ReadLines(context.Stack.Portkey.LogPath).LastOrDefault(l => l.Contains("rror", StringComparison.Ordinal)) ?? "";
        report.Findings.Add(works
            ? "Portkey 1.15.2 streamed successfully on this run, so its streaming is measured."
            : $"Portkey 1.15.2 answered a streaming request with HTTP {(int)response.StatusCode} (body: `{Quote(body)}`; its log: `{Quote(logLine)}`). Its streaming is therefore not measured; no workaround was applied to the stock package.");
        return works;
    }

    private static void WriteTables(ScenarioReport report, List<Variant> variants, Cell[] cells, Dictionary<(string, Cell), Tally> tallies, Stack stack)
    {
        foreach (var cell in cells)
        {
            var columns = new List<string> { "Target", "Requests", "Success", "Failures", "Req/s", "p50 ms", "p99 ms", "Added p50 ms", "Added p99 ms" };
            if (cell.Stream)
            {
                columns.AddRange(["TTFT p50 ms", "TTFT p99 ms", "Added TTFT p99 ms"]);
            }

            columns.AddRange(["Gateway CPU ms/req", "Emulator CPU ms/req", "Client CPU ms/req"]);
            var table = report.AddTable(char.ToUpperInvariant(cell.ToString()[0]) + cell.ToString()[1..], [.. columns]);
            var direct = tallies[("direct", cell)].Merged;
            foreach (var variant in variants.Where(v => tallies.ContainsKey((v.Name, cell))))
            {
                var tally = tallies[(variant.Name, cell)];
                var run = tally.Merged;
                var latency = run.Latency();
                var row = new List<object>
                {
                    variant.Name, run.Requests, Format.Percent(run.SuccessRate), run.Failures(), run.RequestsPerSecond, latency.P50, latency.P99,
                    variant.Name == "direct" ? "-" : latency.P50 - direct.Latency().P50,
                    variant.Name == "direct" ? "-" : latency.P99 - direct.Latency().P99,
                };
                if (cell.Stream)
                {
                    var ttft = run.FirstToken();
                    row.AddRange([ttft.P50, ttft.P99, variant.Name == "direct" ? "-" : ttft.P99 - direct.FirstToken().P99]);
                }

                row.AddRange([
                    variant.Name == "direct" ? "-" : tally.CpuMsPerRequest(variant.Gateway.Name),
                    tally.CpuMsPerRequest(stack.Emulator.Name),
                    tally.CpuMsPerRequest(CpuMeter.Client),
                ]);
                table.Add([.. row]);
                report.NoteFailure($"{variant.Name}, {cell}", run);
            }
        }
    }

    /// <summary>
    /// When in each run the slowest 1 % of one-at-a-time requests started: a target that goes to the store until its
    /// tenant is busy again (each run follows about half a minute of the other targets) has its tail at the runs' starts.
    /// </summary>
    private static string TailOverTime(Dictionary<(string, Cell), Tally> tallies, List<Variant> variants, Cell cell)
    {
        const double StartMs = 500;
        var parts = new List<string>();
        foreach (var variant in variants.Where(v => v.Name.StartsWith("router", StringComparison.Ordinal) || v.Name == FloorAdmission))
        {
            var samples = tallies[(variant.Name, cell)].Runs.SelectMany(r => r.Samples).Where(s => s.Succeeded).ToArray();
            if (samples.Length < 100)
            {
                continue;
            }

            var slowest = samples.OrderByDescending(s => s.LatencyMs).Take(samples.Length / 100).ToArray();
            var early = new Percentiles(samples.Where(s => s.StartMs < StartMs).Select(s => s.LatencyMs));
            var later = new Percentiles(samples.Where(s => s.StartMs >= StartMs).Select(s => s.LatencyMs));
            parts.Add($"{variant.Name}: {100.0 * slowest.Count(s => s.StartMs < StartMs) / slowest.Length:0} % of its slowest 1 % "
                + $"(p99 {early.P99:0.000} ms over {early.Count} requests in the first {StartMs:0} ms, {later.P99:0.000} ms over the {later.Count} after)");
        }

        return $"Where the one-at-a-time tail sits ({cell}; each run starts after the other targets' runs): " + string.Join("; ", parts) + ".";
    }

    /// <summary>
    /// What the Router's CPU per request at 64 concurrent splits into (the same Router without telemetry, without tenancy,
    /// and the floor), and how much of issue 16's 2x budget over the floor the tracing it requires takes from any hop.
    /// </summary>
    private static string LayerCosts(Dictionary<(string, Cell), Tally> tallies, List<Variant> variants)
    {
        double Cpu(string variant, bool stream) =>
            tallies[(variant, new Cell(stream, 64))].CpuMsPerRequest(variants.Single(v => v.Name == variant).Gateway.Name);
        string Both(Func<bool, string> format) => $"{format(false)} / {format(true)}";

        return "Where the Router's CPU goes at 64 concurrent (gateway CPU ms per request, non-streaming / streaming): "
            + string.Join("; ", new[] { "router", NoTelemetry, NoTenancy, Floor, FloorTracing }.Select(v => $"{v} {Both(stream => $"{Cpu(v, stream):0.000}")}"))
            + ". The first two differ by what OpenTelemetry costs the Router (spans, their export, metrics), the first and third by what tenant "
            + "admission and settlement cost; what is left over the floor is routing itself (parsing, the routing loop, the provider's object model). "
            + $"The floor traced, metered and exported as the Router is costs {Both(stream => $"{Cpu(FloorTracing, stream) / Cpu(Floor, stream):0.00}x")} the bare floor: "
            + $"of the 2x the CPU target allows, the tracing it requires takes {Both(stream => $"{Cpu(FloorTracing, stream) / Cpu(Floor, stream) - 1:0.00}")} "
            + $"of the floor's CPU from any .NET hop, before parsing, routing or admission (the Router's tenancy adds {Both(stream => $"{(Cpu("router", stream) - Cpu(NoTenancy, stream)) / Cpu(Floor, stream):0.00}")}).";
    }

    /// <summary>What HTTP/2 to the upstream does against HTTP/1.1, to the Router and to the floor alike (non-streaming).</summary>
    private static string Http2Costs(Dictionary<(string, Cell), Tally> tallies, List<Variant> variants)
    {
        string Versus(string http11, string http2)
        {
            var (load, one) = (new Cell(false, 64), new Cell(false, 1));
            double Cpu(string variant) => tallies[(variant, load)].CpuMsPerRequest(variants.Single(v => v.Name == variant).Gateway.Name);
            return $"{Cpu(http2) / Cpu(http11):0.00}x the CPU per request at 64 concurrent, and a p50 of {tallies[(http2, one)].Merged.Latency().P50:0.000} ms "
                + $"one at a time against {tallies[(http11, one)].Merged.Latency().P50:0.000} ms";
        }

        return $"HTTP/2 to the emulator (HttpVersion \"2\") against HTTP/1.1, non-streaming: the Router takes {Versus("router", Http2Router)}; "
            + $"the floor takes {Versus(Floor, Http2Floor)}. Under load the multiplexed connection saves a socket, its reads and writes "
            + "and its buffers per call in flight; one at a time each call pays for HTTP/2's framing and its connection's own read and write loops.";
    }

    private static void WriteMemory(ScenarioReport report, ServerProcess[] processes)
    {
        var table = report.AddTable("Memory of each process over the scenario", "Process", "Peak RSS (VmHWM)", "RSS at end");
        foreach (var process in processes)
        {
            var sample = process.Sample();
            table.Add(process.Name, Format.Megabytes(sample.PeakRssBytes), Format.Megabytes(sample.RssBytes));
        }
    }

    private static void WriteTargets(ScenarioReport report, Dictionary<(string, Cell), Tally> tallies, List<Variant> variants, bool portkeyStreams)
    {
        var one = new Cell(false, 1);
        var direct = tallies[("direct", one)].Merged.Latency();
        var router = tallies[("router", one)].Merged.Latency();
        report.Check("Added latency one at a time, p50", "<= 0.3 ms", router.P50 - direct.P50, v => v <= 0.3, "0.000 ms");
        report.Check("Added latency one at a time, p99", "<= 1 ms", router.P99 - direct.P99, v => v <= 1, "0.000 ms");
        var open = tallies[(NoTenancy, one)].Merged.Latency();
        report.Check("Admission + settlement, added p50 (router minus router with tenancy off)", "<= 0.3 ms", router.P50 - open.P50, v => v <= 0.3, "0.000 ms");

        var streamOne = new Cell(true, 1);
        var ttftAdded = tallies[("router", streamOne)].Merged.FirstToken().P99 - tallies[("direct", streamOne)].Merged.FirstToken().P99;
        report.Check("Time-to-first-token overhead, p99", "<= 1 ms", ttftAdded, v => v <= 1, "0.000 ms");

        // Issue 16: the Router against the floor in the same run.
        string GatewayOf(string variant) => variants.Single(v => v.Name == variant).Gateway.Name;
        var floor = tallies[(Floor, one)].Merged.Latency();
        report.Check("Added latency one at a time, p50, vs the bare forwarder's added p50", "<= 2x", (router.P50 - direct.P50) / (floor.P50 - direct.P50), v => v <= 2, "0.00x");
        foreach (var stream in (bool[])[false, true])
        {
            var kind = stream ? "streaming" : "non-streaming";
            var (routed, bare) = (tallies[("router", new Cell(stream, 64))], tallies[(Floor, new Cell(stream, 64))]);
            report.Check($"Router CPU per request vs the bare forwarder's, 64 concurrent ({kind})", "<= 2x",
                routed.CpuMsPerRequest(GatewayOf("router")) / bare.CpuMsPerRequest(GatewayOf(Floor)), v => v <= 2, "0.00x");
            report.Check($"Throughput vs the bare forwarder at 64 concurrent ({kind})", ">= 60 %",
                100 * routed.Merged.RequestsPerSecond / bare.Merged.RequestsPerSecond, v => v >= 60, "0.0 '%'");
        }

        var routedMany = tallies[("router", new Cell(false, 64))];
        if (routedMany.StoreScriptCalls is { } calls)
        {
            report.Check($"Store round trips per request, one tenant at {routedMany.Merged.RequestsPerSecond:0} req/s (script calls, 64 concurrent, non-streaming)", "<= 0.2",
                (double)calls / Math.Max(1, routedMany.Runs.Sum(r => r.Requests)), v => v <= 0.2, "0.00");
        }
        else
        {
            report.NotMeasured("Store round trips per request, one tenant at 1,000 req/s or more", "<= 0.2", "the store does not report INFO commandstats");
        }

        var many = new Cell(false, 64);
        var ratio = tallies[("router", many)].Merged.RequestsPerSecond / tallies[("portkey", many)].Merged.RequestsPerSecond;
        report.Check("Throughput vs Portkey at 64 concurrent (non-streaming)", ">= 5x", ratio, v => v >= 5, "0.00x");
        var streamMany = new Cell(true, 64);
        if (portkeyStreams)
        {
            var streamRatio = tallies[("router", streamMany)].Merged.RequestsPerSecond / tallies[("portkey", streamMany)].Merged.RequestsPerSecond;
            report.Check("Throughput vs Portkey at 64 concurrent (streaming)", ">= 5x", streamRatio, v => v >= 5, "0.00x");
        }
        else
        {
            report.NotMeasured("Throughput vs Portkey at 64 concurrent (streaming)", ">= 5x", "Portkey's streaming fails (HTTP 500)");
        }
    }

    /// <summary>
    /// Where the time goes: on a saturated machine each request costs the sum of every process's CPU, so
    /// the per-process split is the profile; the upper bound it implies is printed next to the measured rate.
    /// </summary>
    private static void WriteProfile(ScenarioReport report, Dictionary<(string, Cell), Tally> tallies, List<Variant> variants, string emulatorName)
    {
        var table = report.AddTable("CPU per request by process at 64 concurrent (the profile of where the time goes)",
            "Target", "Cell", "Client ms", "Gateway ms", "Emulator ms", "Sum ms", "Bound on 2 cores req/s", "Measured req/s");
        foreach (var ((variant, cell), tally) in tallies.Where(t => t.Key.Item2.Concurrency == 64).OrderBy(t => t.Key.Item2.Stream))
        {
            var gateway = variant == "direct" ? 0 : tally.CpuMsPerRequest(variants.Single(v => v.Name == variant).Gateway.Name);
            var sum = tally.CpuMsPerRequest(CpuMeter.Client) + gateway + tally.CpuMsPerRequest(emulatorName);
            table.Add(variant, cell.Stream ? "streaming" : "non-streaming", tally.CpuMsPerRequest(CpuMeter.Client), gateway,
                tally.CpuMsPerRequest(emulatorName), sum, Environment.ProcessorCount * 1000 / sum, tally.Merged.RequestsPerSecond);
        }
    }

    private static void PlotLatency(BenchContext context, ScenarioReport report, List<Variant> variants, Dictionary<(string, Cell), Tally> tallies)
    {
        double[] percentiles = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9];
        foreach (var (cell, file) in new[] { (new Cell(false, 1), "bench-overhead-latency.png"), (new Cell(false, 64), "bench-overhead-latency-64.png") })
        {
            var series = variants.Where(v => tallies.ContainsKey((v.Name, cell)))
                .Select(v => new Gnuplot.Series(v.Name, [.. percentiles.Select(p => (p, tallies[(v.Name, cell)].Merged.Latency().At(p)))]))
                .ToList();
            if (Gnuplot.Plot(context.ImagesDirectory, context.PlotWorkDirectory, file, $"Latency by percentile, {cell}", "percentile", "latency (ms)", series, "set logscale y"))
            {
                report.Plots.Add(file);
            }
        }
    }

    private static string Shorten(string text, int length) => text.Length > length ? text[..length] + "..." : text;

    private static string Shorten(string method) => Shorten(method, 140);

    private static string Quote(string text) => Shorten(text, 160).Replace('`', '\'').Replace('\n', ' ');
}
