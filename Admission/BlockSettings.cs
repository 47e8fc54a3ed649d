namespace Switchyard.Admission;

/// <summary>What the replica's block settings are now.</summary>
internal readonly record struct BlockSettings(TimeSpan Interval, int MinRate, int Replicas, bool Stopping);
