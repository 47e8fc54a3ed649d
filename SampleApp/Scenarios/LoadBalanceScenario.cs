namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 4: 10 concurrent requests to a group of two Sonnet deployments (4.6 and 4.5, 3 rpm each)
/// shuffled by the Router, overflowing into a Haiku 4.5 group; rows per model served, as the reference prints.
/// </summary>
public static class LoadBalanceScenario
{
    public const string Name = "loadbalance";
    public const string ModelGroup = "claude-sonnet-loadbalance-demo";
    public const string OverflowGroup = "claude-sonnet-fallback-loadbalance";
    public const int Requests = 10;

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        return Report(await environment.BurstAsync(ModelGroup, Requests, cancellationToken));
    }

    public static ScenarioReport Report(IReadOnlyList<RequestResult> results)
    {
        var succeeded = results.Where(r => r.Succeeded).ToList();
        var overflow = succeeded.Count(r => ReferenceNames.IsFallbackModel(ModelUsageTable.ServedModel(r)));
        return new ScenarioReport(Name, $"Load balancing with overflow: {results.Count} concurrent requests to {ModelGroup}",
            $"{succeeded.Count} of {results.Count} successful: {succeeded.Count - overflow} on the primaries, {overflow} overflow.",
            [Cells.Requests(results), ModelUsageTable.Create(results)],
            [$"Dashboard: the request spans show the shuffle's pick, capacity skips of full deployments, and the overflow fallback to {OverflowGroup}."]);
    }
}
