using System.Diagnostics;
using System.Text.Json;
using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;
using Switchyard.Bench.Reporting;
using Switchyard.Bench.Scenarios;

namespace Switchyard.Bench;

/// <summary>Starts the shared stack, runs the scenarios in order, writes raw JSON and (full runs) docs/benchmarks.md.</summary>
public static class BenchRunner
{
    private static readonly IScenario[] Scenarios =
    [
        new OverheadScenario(),
        new GoodputScenario(),
        new QuotaAccuracyScenario(),
        new StoreOutageScenario(),
        new NoisyNeighbourScenario(),
        new ScaleScenario(),
        new ResponseTimeScenario(),
    ];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        Directory.CreateDirectory(options.ResultsDirectory);
        ProcessRegistry.Install(Path.Combine(options.ResultsDirectory, "pids"));
        var startedAt = DateTimeOffset.UtcNow;
        var loadAtStart = MachineInfo.LoadAverage();
        var command = "bench/run" + (options.Smoke ? " --smoke" : "") + (options.Only.Count > 0 ? " --only " + string.Join(',', options.Only) : "");
        BenchContext.Log($"{command}: load average {loadAtStart}");

        var reports = new List<ScenarioReport>();
        var failures = new List<string>();
        MachineInfo machine;
        long exports;
        await using (var stack = await Stack.StartAsync(options))
        {
            machine = MachineInfo.Read(stack.StoreKind);
            using var load = new LoadGenerator();
            var context = new BenchContext(options, stack, load);
            foreach (var scenario in Scenarios.Where(s => options.Runs(s.Id)))
            {
                var report = new ScenarioReport(scenario.Id, scenario.Title) { LoadBefore = MachineInfo.LoadAverage() };
                BenchContext.Log($"{scenario.Id}: {scenario.Title}");
                var clock = Stopwatch.StartNew();
                try
                {
                    await stack.EmulatorAdmin.ResetAsync();
                    await scenario.RunAsync(context, report);
                }
                catch (Exception e)
                {
                    failures.Add($"{scenario.Id}: {e.GetType().Name}: {e.Message}");
                    BenchContext.Log($"{scenario.Id} FAILED: {e}");
                }

                report.Seconds = clock.Elapsed.TotalSeconds;
                report.LoadAfter = MachineInfo.LoadAverage();
                reports.Add(report);
            }

            exports = stack.Otlp.Exports;
        }

        var tracing = $"on: the Router's OpenTelemetry SDK samples every span and exports traces, metrics and logs over OTLP/HTTP (protobuf) to a do-nothing receiver inside the suite ({exports} export requests received). Portkey has no tracing configured.";
        var result = new BenchReport(machine, command, startedAt, DateTimeOffset.UtcNow, loadAtStart, MachineInfo.LoadAverage(), tracing, reports, failures);
        var json = JsonSerializer.Serialize(result, BenchJson.Options);
        await File.WriteAllTextAsync(Path.Combine(options.ResultsDirectory, $"results-{startedAt:yyyyMMdd-HHmmss}.json"), json);
        await File.WriteAllTextAsync(Path.Combine(options.ResultsDirectory, "latest.json"), json);
        if (options.WritesDoc)
        {
            var template = await File.ReadAllTextAsync(Path.Combine(options.RepoRoot, "bench", "benchmarks.template.md"));
            await File.WriteAllTextAsync(options.DocPath, MarkdownReport.Render(template, result));
            BenchContext.Log($"wrote {options.DocPath}");
        }

        foreach (var failure in failures)
        {
            Console.Error.WriteLine("FAILED " + failure);
        }

        BenchContext.Log(failures.Count == 0 ? "all scenarios ran" : $"{failures.Count} scenario(s) failed");
        return failures.Count == 0 ? 0 : 1;
    }
}
