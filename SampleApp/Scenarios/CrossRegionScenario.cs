namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 1: 10 concurrent requests to one cross-Region inference profile from us-east-1;
/// the emulator's invocation log shows which Regions actually served them.
/// </summary>
public static class CrossRegionScenario
{
    public const string Name = "cris";
    public const string ModelGroup = "claude-sonnet-cris";
    public const int Requests = 10;
    public const string RegionsTable = "Invocations per Region";

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        var since = environment.Time.GetUtcNow();
        var results = await environment.BurstAsync(ModelGroup, Requests, cancellationToken);
        return Report(results, await environment.InvocationsSinceAsync(since, cancellationToken));
    }

    public static ScenarioReport Report(IReadOnlyList<RequestResult> results, IReadOnlyList<EmulatorInvocation> invocations)
    {
        var served = invocations.Where(i => i.RequestedModel == ReferenceNames.SonnetProfile).ToList();
        var regions = served.GroupBy(i => i.Region).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Key, Cells.Count(g.Count()), Cells.Count(g.Count(i => i.Succeeded)), Cells.Percent(g.Count(), served.Count)]);
        var succeeded = results.Count(r => r.Succeeded);
        return new ScenarioReport(Name, $"Cross-Region inference: {results.Count} concurrent requests to {ReferenceNames.SonnetProfile} from us-east-1",
            $"{succeeded} of {results.Count} successful, served from {served.Where(i => i.Succeeded).Select(i => i.Region).Distinct().Count()} Region(s).",
            [Cells.Requests(results), new TextTable(RegionsTable, ["Region", "Invocations", "Succeeded", "Share"], [.. regions])],
            ["Dashboard: each request span of the Router names the inference profile; the Region that served is in the emulator's log, as Bedrock's would be in CloudWatch."]);
    }
}
