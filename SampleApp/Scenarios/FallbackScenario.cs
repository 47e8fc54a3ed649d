namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 3: 10 concurrent requests to a Sonnet 4.6 group limited to 3 requests a minute; the
/// Router falls back to the Haiku 4.5 group for the rest. A fallback shows in the response's <c>model</c>.
/// </summary>
public static class FallbackScenario
{
    public const string Name = "fallback";
    public const string ModelGroup = "claude-sonnet-fallback-demo";
    public const string FallbackGroup = "claude-sonnet-fallback-quota";
    public const int Requests = 10;

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        return Report(await environment.BurstAsync(ModelGroup, Requests, cancellationToken));
    }

    public static ScenarioReport Report(IReadOnlyList<RequestResult> results)
    {
        var succeeded = results.Where(r => r.Succeeded).ToList();
        var fallback = succeeded.Count(r => ReferenceNames.IsFallbackModel(ModelUsageTable.ServedModel(r)));
        return new ScenarioReport(Name, $"Model fallback: {results.Count} concurrent requests to {ModelGroup}",
            $"{succeeded.Count} of {results.Count} successful: {succeeded.Count - fallback} primary, {fallback} fallback.",
            [Cells.Requests(results), ModelUsageTable.Create(results)],
            [$"Dashboard: a fallen-back request's span has a capacity_skip decision event (the primary's rpm), a fallback event to {FallbackGroup}, then an attempt on the Haiku deployment."]);
    }
}
