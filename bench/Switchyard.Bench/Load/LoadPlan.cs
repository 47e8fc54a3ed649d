namespace Switchyard.Bench.Load;

/// <summary>
/// A bounded load: at most <see cref="MaxRequests"/> requests and never past <see cref="Duration"/>, from
/// <see cref="Concurrency"/> closed-loop workers, optionally paced to <see cref="RatePerSecond"/> in total
/// and started over <see cref="RampUp"/>.
/// </summary>
public sealed record LoadPlan(int Concurrency, int MaxRequests, TimeSpan Duration)
{
    public double? RatePerSecond { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan RampUp { get; init; } = TimeSpan.Zero;
}
