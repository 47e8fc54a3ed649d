namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 5 (noisy neighbour): tenants A (3 rpm), B and C (10 rpm) each send 5 requests at once;
/// A is rate limited past its quota, B and C never notice.
/// </summary>
public static class QuotaIsolationScenario
{
    public const string Name = "quota";
    public const int RequestsPerTenant = 5;
    public const string TenantsTable = "Requests per tenant";

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        return Report(await environment.SendConcurrentlyAsync(
            [.. ReferenceNames.Tenants.SelectMany(t => Enumerable.Repeat(new PlannedRequest(t.ModelGroup, t.ApiKey, t.Name), RequestsPerTenant))],
            cancellationToken));
    }

    public static ScenarioReport Report(IReadOnlyList<RequestResult> results)
    {
        var rows = results.GroupBy(r => r.Request.Label ?? "-").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)
            [
                g.Key, Cells.Count(g.Count()), Cells.Count(g.Count(r => r.Succeeded)), Cells.Count(g.Count(r => r.RateLimited)),
                Cells.Count(g.Count(r => !r.Succeeded && !r.RateLimited)), Cells.Percent(g.Count(r => r.Succeeded), g.Count()),
            ]).ToList();
        return new ScenarioReport(Name, $"Quota isolation: {ReferenceNames.Tenants.Count} tenants send {RequestsPerTenant} parallel requests each",
            string.Join(", ", rows.Select(r => $"{r[0]} {r[2]} of {r[1]}" + (r[3] == "0" ? "" : $" ({r[3]} rate limited)"))) + ".",
            [new TextTable(TenantsTable, ["Tenant", "Sent", "Succeeded", "Rate limited", "Other failures", "Success rate"], rows)],
            ["Dashboard: a rate-limited request ends at the Router's admission step with status 429 and never reaches a deployment."]);
    }
}
