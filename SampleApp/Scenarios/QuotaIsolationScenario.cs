namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 5 (noisy neighbour): tenants A (3 rpm), B and C (10 rpm) each send 5 requests at once
/// to their own Sonnet 4.5 group; A is rate limited past its quota, B and C never notice.
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
        var tenants = results.GroupBy(r => r.Request.Label ?? "-").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Tenant: g.Key, Sent: g.Count(), Succeeded: g.Where(r => r.Succeeded).ToList(), RateLimited: g.Count(r => r.RateLimited)))
            .ToList();
        var rows = tenants.Select(t => (IReadOnlyList<string>)
        [
            t.Tenant, ModelsServed(t.Succeeded), Cells.Count(t.Sent), Cells.Count(t.Succeeded.Count), Cells.Count(t.RateLimited),
            Cells.Count(t.Sent - t.Succeeded.Count - t.RateLimited), Cells.Percent(t.Succeeded.Count, t.Sent), Cells.Milliseconds(t.Succeeded.Select(r => r.Elapsed)),
        ]);
        return new ScenarioReport(Name, $"Quota isolation: {ReferenceNames.Tenants.Count} tenants send {RequestsPerTenant} parallel requests each",
            string.Join(", ", tenants.Select(t => $"{t.Tenant} {t.Succeeded.Count} of {t.Sent}" + (t.RateLimited == 0 ? "" : $" ({t.RateLimited} rate limited)"))) + ".",
            [new TextTable(TenantsTable, ["Tenant", "Model", "Sent", "Succeeded", "Rate limited", "Other failures", "Success rate", "Avg time"], [.. rows])],
            ["Dashboard: a rate-limited request ends at the Router's admission step with status 429 and never reaches a deployment."]);
    }

    private static string ModelsServed(IEnumerable<RequestResult> succeeded) =>
        string.Join(", ", succeeded.Select(ModelUsageTable.ServedModel).Distinct().Order(StringComparer.Ordinal)) is { Length: > 0 } models ? models : "-";
}
