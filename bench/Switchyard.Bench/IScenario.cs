using Switchyard.Bench.Reporting;

namespace Switchyard.Bench;

/// <summary>One measured scenario of the suite; it starts what it needs beyond the shared stack and stops it again.</summary>
public interface IScenario
{
    /// <summary>Short id used by --only and in file names: overhead, goodput, quota, noisy, scale, response-time.</summary>
    string Id { get; }

    string Title { get; }

    Task RunAsync(BenchContext context, ScenarioReport report);
}
