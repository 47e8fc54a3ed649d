namespace Switchyard.SampleApp.Scenarios;

/// <summary>The six scenarios by their command names.</summary>
public static class ScenarioRunner
{
    public static readonly IReadOnlyList<string> Names =
    [
        CrossRegionScenario.Name, ShardingScenario.Name, FallbackScenario.Name, LoadBalanceScenario.Name,
        QuotaIsolationScenario.Name, RegionOutageScenario.Name,
    ];

    public static Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, ScenarioOptions options, CancellationToken cancellationToken) =>
        options.Name switch
        {
            CrossRegionScenario.Name => CrossRegionScenario.RunAsync(environment, cancellationToken),
            ShardingScenario.Name => ShardingScenario.RunAsync(environment, options.Strategy, options.Seed ?? Random.Shared.Next(), cancellationToken),
            FallbackScenario.Name => FallbackScenario.RunAsync(environment, cancellationToken),
            LoadBalanceScenario.Name => LoadBalanceScenario.RunAsync(environment, cancellationToken),
            QuotaIsolationScenario.Name => QuotaIsolationScenario.RunAsync(environment, cancellationToken),
            RegionOutageScenario.Name => RegionOutageScenario.RunAsync(environment, options.Duration ?? RegionOutageScenario.DefaultDuration, cancellationToken),
            _ => throw new ArgumentException($"Unknown scenario '{options.Name}'. Known: {string.Join(", ", Names)}.", nameof(options)),
        };
}
