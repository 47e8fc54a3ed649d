using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// Issue 7 §4: tenant B sends a steady half of its limit, first alone and then while tenant A sends ten
/// times its own limit to the same Router and model group. Isolation means B notices nothing.
/// </summary>
public sealed class NoisyNeighbourScenario : IScenario
{
    public string Id => "noisy";

    public string Title => "Noisy neighbour";

    public async Task RunAsync(BenchContext context, ScenarioReport report)
    {
        var stack = context.Stack;
        await using var router = await stack.StartRouterAsync("router-noisy");
        if (!await router.EnforcesTenantKeysAsync())
        {
            report.NotMeasured("Rejections of the steady tenant B", "0", "the Router does not enforce tenant keys in this build");
            report.Findings.Add("Tenant admission was not part of the Router when this run was made, so isolation could not be measured.");
            return;
        }

        const long limitA = 300;
        const long limitB = 1_200;
        var keyA = await stack.QuotaAdmin.CreateTenantAsync("bench-noisy-a", requestsPerMinute: limitA);
        var keyB = await stack.QuotaAdmin.CreateTenantAsync("bench-noisy-b", requestsPerMinute: limitB);
        var phase = context.Options.Duration(20, 1.5);
        var tenantB = new ChatTarget("noisy-b", [router.ChatUri], BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(keyB));
        var tenantA = new ChatTarget("noisy-a", [router.ChatUri], BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(keyA));
        var planB = new LoadPlan(8, 100_000, phase) { RatePerSecond = limitB / 60.0 / 2 };
        var planA = new LoadPlan(32, 100_000, phase) { RatePerSecond = limitA / 60.0 * 10 };

        var alone = await context.Load.RunAsync(tenantB, planB);
        var together = await Task.WhenAll(context.Load.RunAsync(tenantB, planB), context.Load.RunAsync(tenantA, planA));
        var withNoise = together[0];
        var noise = together[1];

        var table = report.AddTable($"B at {planB.RatePerSecond:0.#} requests/s (limit {limitB}/min); A at {planA.RatePerSecond:0.#} requests/s (10x its limit {limitA}/min); {phase.TotalSeconds:0} s per phase",
            "Phase", "B requests", "B failures", "B p50 ms", "B p99 ms", "A requests", "A admitted", "A rejected (429)", "Admitted by the local fallback (A + B)");
        report.NoteFailure("B alone", alone);
        report.NoteFailure("B with A flooding", withNoise);
        table.Add("B alone", alone.Requests, alone.Failures(), alone.Latency().P50, alone.Latency().P99, "-", "-", "-", alone.LocallyAdmitted);
        table.Add("B with A flooding", withNoise.Requests, withNoise.Failures(), withNoise.Latency().P50, withNoise.Latency().P99,
            noise.Requests, noise.Succeeded, noise.CountStatus(429), withNoise.LocallyAdmitted + noise.LocallyAdmitted);

        report.Check("Rejections of the steady tenant B while A floods", "0", withNoise.Requests - withNoise.Succeeded, v => v == 0, "0");
        report.Findings.Add($"B's p99 latency changed by {withNoise.Latency().P99 - alone.Latency().P99:0.###} ms ({alone.Latency().P99:0.###} -> {withNoise.Latency().P99:0.###} ms) while A flooded.");
    }
}
