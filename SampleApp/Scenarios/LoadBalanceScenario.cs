namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 4: 10 concurrent requests to a group of two deployments (3 rpm each) shuffled by
/// the Router, overflowing into a third group; the serving deployment comes from the response header.
/// </summary>
public static class LoadBalanceScenario
{
    public const string Name = "loadbalance";
    public const string ModelGroup = "claude-sonnet-loadbalance-demo";
    public const int Requests = 10;
    public const string DeploymentsTable = "Requests per deployment";

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        return Report(await environment.BurstAsync(ModelGroup, Requests, cancellationToken));
    }

    public static ScenarioReport Report(IReadOnlyList<RequestResult> results)
    {
        var served = results.Where(r => r is { Succeeded: true, ServedBy: not null }).ToList();
        var overflow = served.Count(r => r.ServedBy!.Fallback);
        var rows = served.GroupBy(r => (r.ServedBy!.Deployment, Role: r.ServedBy.Fallback ? "overflow" : "primary", r.ServedBy.ModelGroup))
            .OrderBy(g => g.Key.Role == "overflow").ThenBy(g => g.Key.Deployment, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Key.Deployment, g.Key.Role, g.Key.ModelGroup, Cells.Count(g.Count())]);
        return new ScenarioReport(Name, $"Load balancing with overflow: {results.Count} concurrent requests to {ModelGroup}",
            $"{results.Count(r => r.Succeeded)} of {results.Count} successful: {served.Count - overflow} on the primaries, {overflow} overflow.",
            [Cells.Requests(results), new TextTable(DeploymentsTable, ["Deployment", "Role", "Model group", "Requests"], [.. rows])],
            ["Dashboard: the request spans show the shuffle's pick, capacity skips of full deployments, and the overflow fallback."]);
    }
}
