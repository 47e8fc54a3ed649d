namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 3: 10 concurrent requests to a Sonnet group limited to 3 requests a minute; the
/// Router falls back to the Haiku group for the rest. A fallback shows in the response's <c>model</c>.
/// </summary>
public static class FallbackScenario
{
    public const string Name = "fallback";
    public const string ModelGroup = "claude-sonnet-fallback-demo";
    public const string FallbackGroup = "claude-sonnet-fallback-quota";
    public const int Requests = 10;
    public const string ServedTable = "Served by";

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        return Report(await environment.BurstAsync(ModelGroup, Requests, cancellationToken));
    }

    public static ScenarioReport Report(IReadOnlyList<RequestResult> results)
    {
        var succeeded = results.Where(r => r.Succeeded).ToList();
        var fallback = succeeded.Count(r => r.ResponseModel == ReferenceNames.HaikuModel);
        var primary = succeeded.Count - fallback;
        return new ScenarioReport(Name, $"Model fallback: {results.Count} concurrent requests to {ModelGroup}",
            $"{succeeded.Count} of {results.Count} successful: {primary} primary, {fallback} fallback.",
            [
                Cells.Requests(results),
                new TextTable(ServedTable, ["Role", "Model group", "Requests"],
                [
                    ["primary", ModelGroup, Cells.Count(primary)],
                    ["fallback", FallbackGroup, Cells.Count(fallback)],
                    ["failed", "-", Cells.Count(results.Count - succeeded.Count)],
                ]),
            ],
            ["Dashboard: a fallen-back request's span has a fallback event naming the reason (the primary's rpm), then an attempt on the Haiku deployment."]);
    }
}
