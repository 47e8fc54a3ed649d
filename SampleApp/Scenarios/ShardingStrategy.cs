namespace Switchyard.SampleApp.Scenarios;

/// <summary>How the sharding scenario spreads its requests over the two accounts.</summary>
public enum ShardingStrategy
{
    /// <summary>All to the sharded model group; the Router alternates the accounts.</summary>
    RoundRobin,

    /// <summary>The first half to the primary account's group, the second half to the secondary's.</summary>
    Split,

    /// <summary>Each to one of the two accounts' groups, picked by a seeded Random.</summary>
    Random,
}
