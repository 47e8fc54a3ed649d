using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;
using Switchyard.Tests;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// Issue 16, blocks under a fault: three Router replicas reach the store through a TCP proxy that is cut
/// for longer than a block lives, a third of the way into the run, while a busy tenant (admitted from
/// blocks) is offered load well under its limit. Every request should still be answered, and once the
/// store is back it should count each admitted request once and charge the tenant exactly what the
/// answers used: nothing lost with the blocks that were out when the store went, nothing counted twice.
/// </summary>
public sealed class StoreOutageScenario : IScenario
{
    public string Id => "outage";

    public string Title => "A store outage while a busy tenant is admitted from blocks";

    public async Task RunAsync(BenchContext context, ScenarioReport report)
    {
        var stack = context.Stack;
        var smoke = context.Options.Smoke;
        await using var proxy = new TcpOutageProxy(stack.StorePort);
        var environment = new Dictionary<string, string>
        {
            ["Admission__ReplicaCount"] = "3",
            ["ConnectionStrings__cache"] = proxy.ConnectionString,
        };
        await using var first = await stack.StartRouterAsync("router-outage-1", environment);
        await using var second = await stack.StartRouterAsync("router-outage-2", environment);
        await using var third = await stack.StartRouterAsync("router-outage-3", environment);
        if (!await first.EnforcesTenantKeysAsync())
        {
            report.NotMeasured("Requests failed through a store outage", "0", "the Router does not enforce tenant keys in this build");
            return;
        }

        const long Limit = 60_000;
        var key = await stack.QuotaAdmin.CreateTenantAsync("bench-outage-busy", requestsPerMinute: Limit);
        var duration = context.Options.Duration(30, 3);
        var outage = smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        const double Rate = 500;
        var load = context.Load.RunAsync(new ChatTarget("outage-busy", [first.ChatUri, second.ChatUri, third.ChatUri], BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(key)),
            new LoadPlan(64, 1_000_000, duration) { RatePerSecond = Rate });
        await Task.Delay(duration / 3);
        proxy.Cut();
        await Task.Delay(outage);
        proxy.Restore();
        var restored = System.Diagnostics.Stopwatch.StartNew();
        var run = await load;
        var admitted = run.Succeeded;
        var charged = run.Samples.Where(s => s.Succeeded).Sum(s => (long)s.TotalTokens);

        // The replicas hand over what their blocks and fallbacks admitted once they reach the store again (each
        // reconnects on its own schedule); the last settlements follow within a settlement window. Read until the
        // store agrees with the client or 20 s have passed since the load ended.
        var caughtUp = TimeSpan.Zero;
        JsonNode? usage;
        long counted, today, open;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            usage = await stack.QuotaAdmin.UsageAsync("bench-outage-busy");
            (counted, today, open) = (Read(usage, "requestsLastMinute"), Read(usage, "tokensToday"), Read(usage, "activeLeases"));
            if ((counted == admitted && today == charged && open == 0) || DateTime.UtcNow > deadline)
            {
                caughtUp = restored.Elapsed;
                break;
            }

            await Task.Delay(250);
        }

        var table = report.AddTable(
            $"{Rate:0} requests/s for {duration.TotalSeconds:0} s round-robin over 3 replicas (limit {Limit} requests/min), the store cut for {outage.TotalSeconds:0} s after {(duration / 3).TotalSeconds:0} s",
            "Requests", "Admitted (200)", "Of which by the local fallback", "Failed", "Requests the store counts", "Tokens of the admitted answers", "Tokens the store charged today",
            "Leases still open", "Last read (s after the cut ended)");
        table.Add(run.Requests, admitted, run.LocallyAdmitted, run.Failures(), counted, charged, today, open, caughtUp.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        report.Findings.Add($"QuotaService usage of bench-outage-busy after the run: `{usage?.ToJsonString()}`");
        report.NoteFailure("Store outage, busy tenant", run);
        report.Check("Requests failed through a store outage (busy tenant on blocks)", "0", run.Requests - admitted, v => v == 0, "0");
        report.Check("Admitted requests the store counts after the outage, vs admitted", "equal", counted - admitted, v => v == 0, "+0;-0;0");
        report.Check("Tokens the store charged today after the outage, vs the admitted answers' usage", "equal", today - charged, v => v == 0, "+0;-0;0");
        report.Check("Leases left open after the outage (every request has ended)", "0", open, v => v == 0, "0");
    }

    private static long Read(JsonNode? usage, string field) => usage?[field]?.GetValue<long>() ?? -1;
}
