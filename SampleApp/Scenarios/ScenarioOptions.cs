namespace Switchyard.SampleApp.Scenarios;

/// <summary>The knobs of one scenario run; unused ones are ignored by the scenarios that do not need them.</summary>
public sealed record ScenarioOptions(string Name, ShardingStrategy Strategy = ShardingStrategy.RoundRobin, int? Seed = null, TimeSpan? Duration = null);
