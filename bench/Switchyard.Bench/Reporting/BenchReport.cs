namespace Switchyard.Bench.Reporting;

/// <summary>A whole run: where, how, when, and every scenario's report. Written raw as JSON and rendered into docs/benchmarks.md.</summary>
public sealed record BenchReport(
    MachineInfo Machine, string Command, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string LoadAtStart, string LoadAtEnd,
    string Tracing, IReadOnlyList<ScenarioReport> Scenarios, IReadOnlyList<string> Failures);
