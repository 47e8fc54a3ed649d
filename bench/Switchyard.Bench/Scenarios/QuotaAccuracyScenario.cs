using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// Issue 7 §3: three Router replicas on one store, two tenants (one limited by requests per minute,
/// one by tokens per minute) each offered twice its limit for one minute, spread round-robin over the
/// replicas. The limits are a sliding 60 s window, so a run of at most 60 s may admit exactly the limit.
/// Issue 16: a third tenant, busy enough (1,000 requests a second) for the replicas to admit it from
/// blocks of its limit, offered twice its limit the same way: blocks may refuse early, never admit more.
/// </summary>
public sealed class QuotaAccuracyScenario : IScenario
{
    public string Id => "quota";

    public string Title => "Quota accuracy across 3 Router replicas";

    public async Task RunAsync(BenchContext context, ScenarioReport report)
    {
        var stack = context.Stack;
        var smoke = context.Options.Smoke;
        var replicaEnvironment = new Dictionary<string, string> { ["Admission__ReplicaCount"] = "3" };
        await using var first = await stack.StartRouterAsync("router-quota-1", replicaEnvironment);
        await using var second = await stack.StartRouterAsync("router-quota-2", replicaEnvironment);
        await using var third = await stack.StartRouterAsync("router-quota-3", replicaEnvironment);
        if (!await first.EnforcesTenantKeysAsync())
        {
            report.NotMeasured("Quota accuracy (rpm and tpm)", "within 1 %", "the Router does not enforce tenant keys in this build");
            report.Findings.Add("Tenant admission was not part of the Router when this run was made (an unknown key was not refused), so quotas could not be measured.");
            return;
        }

        long rpm = smoke ? 60 : 1_200;
        long tpm = smoke ? 3_000 : 60_000;
        long busyRpm = smoke ? 6_000 : 30_000;
        var rpmKey = await stack.QuotaAdmin.CreateTenantAsync("bench-quota-rpm", requestsPerMinute: rpm);
        var tpmKey = await stack.QuotaAdmin.CreateTenantAsync("bench-quota-tpm", tokensPerMinute: tpm);
        var busyKey = await stack.QuotaAdmin.CreateTenantAsync("bench-quota-busy", requestsPerMinute: busyRpm);
        Uri[] replicas = [first.ChatUri, second.ChatUri, third.ChatUri];
        var duration = context.Options.Duration(60, 2);
        // Twice the request limit; the token tenant gets the same rate, which is well over its limit too.
        var rate = 2.0 * rpm / 60;
        var plan = new LoadPlan(16, 100_000, duration) { RatePerSecond = rate };
        var busyRate = 2.0 * busyRpm / 60;
        var runs = await Task.WhenAll(
            context.Load.RunAsync(new ChatTarget("quota-rpm", replicas, BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(rpmKey)), plan),
            context.Load.RunAsync(new ChatTarget("quota-tpm", replicas, BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(tpmKey)), plan),
            context.Load.RunAsync(new ChatTarget("quota-busy", replicas, BenchRouting.OpenAIGroup, false, ChatTarget.Bearer(busyKey)),
                new LoadPlan(64, 1_000_000, duration) { RatePerSecond = busyRate }));

        var table = report.AddTable($"Offered {rate:0.#} requests/s per tenant for {duration.TotalSeconds:0} s, round-robin over 3 replicas",
            "Tenant", "Limit", "Requests", "Admitted (200)", "Of which by the local fallback", "Not admitted", "Admitted amount", "Error vs limit");
        var rpmRun = runs[0];
        var rpmAdmitted = rpmRun.Succeeded;
        var rpmError = (double)(rpmAdmitted - rpm) / rpm;
        table.Add("rpm-limited", $"{rpm} requests/min", rpmRun.Requests, rpmAdmitted, rpmRun.LocallyAdmitted, rpmRun.Failures(),
            $"{rpmAdmitted} requests", Format.Percent(rpmError));
        var tpmRun = runs[1];
        var tokens = tpmRun.Samples.Where(s => s.Succeeded).Sum(s => (long)s.TotalTokens);
        var tpmError = (double)(tokens - tpm) / tpm;
        table.Add("tpm-limited", $"{tpm} tokens/min", tpmRun.Requests, tpmRun.Succeeded, tpmRun.LocallyAdmitted, tpmRun.Failures(),
            $"{tokens} tokens (usage of the admitted answers)", Format.Percent(tpmError));
        var busyRun = runs[2];
        var busyError = (double)(busyRun.Succeeded - busyRpm) / busyRpm;
        table.Add($"rpm-limited, busy ({busyRate:0} req/s offered: admitted from blocks)", $"{busyRpm} requests/min", busyRun.Requests, busyRun.Succeeded,
            busyRun.LocallyAdmitted, busyRun.Failures(), $"{busyRun.Succeeded} requests", Format.Percent(busyError));

        var storeAdmitted = rpmAdmitted - rpmRun.LocallyAdmitted;
        var storeTokens = tpmRun.Samples.Where(s => s.Succeeded && !s.LocalAdmission).Sum(s => (long)s.TotalTokens);
        report.Findings.Add($"Admitted through the store alone (without the Router's local-fallback admissions): {storeAdmitted} requests ({Format.Percent((double)(storeAdmitted - rpm) / rpm)} vs the limit) and {storeTokens} tokens ({Format.Percent((double)(storeTokens - tpm) / tpm)}).");
        report.Check("Quota accuracy, requests per minute", "within 1 %", Math.Abs(rpmError) * 100, v => v <= 1, "0.00 '%' off");
        report.Check("Quota accuracy, tokens per minute", "within 1 %", Math.Abs(tpmError) * 100, v => v <= 1, "0.00 '%' off");
        report.Check($"Quota accuracy, requests per minute, a busy tenant admitted from blocks ({busyRun.Requests / duration.TotalSeconds:0} req/s offered)", "within 1 %, never over",
            busyError * 100, v => v <= 0 && v >= -1, "0.00 '%'");
        foreach (var tenant in new[] { "bench-quota-rpm", "bench-quota-tpm", "bench-quota-busy" })
        {
            report.Findings.Add($"QuotaService usage of {tenant} after the run: `{(await stack.QuotaAdmin.UsageAsync(tenant))?.ToJsonString()}`");
        }
    }
}
