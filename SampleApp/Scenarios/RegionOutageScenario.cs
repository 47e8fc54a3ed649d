using System.Globalization;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Ours: steady load on a model group deployed in three Regions; us-east-1 goes down a third of the way
/// in and comes back at two thirds. No request may fail; the table shows where traffic went per phase.
/// </summary>
public static class RegionOutageScenario
{
    public const string Name = "outage";
    public const string ModelGroup = "claude-sonnet-multi-region";
    public const string FailedRegion = "us-east-1";
    public const int Workers = 4;
    public const string PhasesTable = "Served Region per phase";
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);

    /// <summary>Pause between one worker's requests, so the load stays modest and steady.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(250);

    private static readonly string[] Phases = ["before", "during", "after"];

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, TimeSpan duration, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        var time = environment.Time;
        var start = time.GetUtcNow();
        var results = new List<RequestResult>();
        var index = 0;

        async Task WorkAsync()
        {
            while (time.GetUtcNow() - start < duration)
            {
                var result = await environment.SendAsync(Interlocked.Increment(ref index), new PlannedRequest(ModelGroup, ReferenceNames.DemoKey), cancellationToken);
                lock (results)
                {
                    results.Add(result);
                }

                await Task.Delay(Pace, time, cancellationToken);
            }
        }

        async Task<(DateTimeOffset Injected, DateTimeOffset Cleared)> BreakAndRepairAsync()
        {
            // The "during" phase is the span the fault is certainly in force: it begins once the emulator has
            // confirmed the outage (a request sent while the call is in flight may still be served) and ends
            // before the clearing call goes out.
            await Task.Delay(duration / 3, time, cancellationToken);
            await environment.InjectFaultAsync(new EmulatorFault("outage", FailedRegion), cancellationToken);
            var injected = time.GetUtcNow();
            await Task.Delay(start + duration * 2 / 3 - time.GetUtcNow(), time, cancellationToken);
            var cleared = time.GetUtcNow();
            await environment.ClearFaultsAsync(cancellationToken);
            return (injected, cleared);
        }

        var outage = BreakAndRepairAsync();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync()).Append(outage));
        var (injectedAt, clearedAt) = await outage;
        return Report(duration, [.. results.OrderBy(r => r.StartedAt)], injectedAt, clearedAt);
    }

    public static string PhaseOf(RequestResult result, DateTimeOffset injectedAt, DateTimeOffset clearedAt) =>
        result.StartedAt < injectedAt ? Phases[0] : result.StartedAt < clearedAt ? Phases[1] : Phases[2];

    public static ScenarioReport Report(TimeSpan duration, IReadOnlyList<RequestResult> results, DateTimeOffset injectedAt, DateTimeOffset clearedAt)
    {
        var regions = results.Select(r => r.ServedBy?.Region).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var rows = Phases.Select(phase =>
        {
            var inPhase = results.Where(r => PhaseOf(r, injectedAt, clearedAt) == phase).ToList();
            return (IReadOnlyList<string>)
            [
                phase, Cells.Count(inPhase.Count), Cells.Count(inPhase.Count(r => !r.Succeeded)),
                .. regions.Select(region => Cells.Count(inPhase.Count(r => r.Succeeded && r.ServedBy?.Region == region))),
                Cells.Count(inPhase.Count(r => r.ServedBy?.Fallback == true)),
                inPhase.Select(r => r.ServedBy?.Attempts).OfType<int>().DefaultIfEmpty().Average().ToString("0.00", CultureInfo.InvariantCulture),
            ];
        });
        var failed = results.Count(r => !r.Succeeded);
        var start = results.Count == 0 ? injectedAt : results[0].StartedAt;
        return new ScenarioReport(Name, $"Region outage: {duration.TotalSeconds:0} s of load on {ModelGroup} ({Workers} workers), {FailedRegion} down from {(injectedAt - start).TotalSeconds:0} s to {(clearedAt - start).TotalSeconds:0} s",
            $"{results.Count - failed} of {results.Count} successful, {failed} failed.",
            [new TextTable(PhasesTable, ["Phase", "Requests", "Failed", .. regions, "Fallbacks", "Avg attempts"], [.. rows])],
            [
                $"Dashboard: during the outage the first requests show a failed attempt on {FailedRegion} and a retry in another Region; once the breaker opens, {FailedRegion} is skipped with no attempt at all.",
                "After the fault clears, the breaker lets a trial request through when its break ends, and traffic returns to the Region.",
            ]);
    }
}
