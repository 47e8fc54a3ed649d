namespace Switchyard.Bench.Load;

/// <summary>The samples of one bounded load and what they add up to.</summary>
public sealed record LoadRun(string Target, LoadPlan Plan, RequestSample[] Samples, TimeSpan Elapsed)
{
    /// <summary>Status and body (or exception) of the first failed request, if any.</summary>
    public string? FirstFailure { get; init; }

    public int Requests => Samples.Length;

    /// <summary>Failed requests by status, e.g. "429 x 12, 0 x 1" (0: no HTTP answer); "-" when none failed.</summary>
    public string Failures()
    {
        var failed = Samples.Where(s => !s.Succeeded).GroupBy(s => s.Status).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} x {g.Count()}").ToList();
        return failed.Count == 0 ? "-" : string.Join(", ", failed);
    }

    public int Succeeded => Samples.Count(s => s.Succeeded);

    public double SuccessRate => Requests == 0 ? double.NaN : (double)Succeeded / Requests;

    public double RequestsPerSecond => Succeeded / Elapsed.TotalSeconds;

    public Percentiles Latency() => new(Samples.Where(s => s.Succeeded).Select(s => s.LatencyMs));

    public Percentiles FirstToken() => new(Samples.Where(s => s.Succeeded).Select(s => s.FirstTokenMs));

    public int CountStatus(int status) => Samples.Count(s => s.Status == status);

    /// <summary>Requests the Router admitted by its local fallback because the quota store did not answer in time.</summary>
    public int LocallyAdmitted => Samples.Count(s => s.Succeeded && s.LocalAdmission);

    /// <summary>Merges alternating runs of one target and cell into one sample set, their times added.</summary>
    public static LoadRun Merge(IReadOnlyList<LoadRun> runs) =>
        new(runs[0].Target, runs[0].Plan, [.. runs.SelectMany(r => r.Samples)], TimeSpan.FromTicks(runs.Sum(r => r.Elapsed.Ticks)))
        {
            FirstFailure = runs.Select(r => r.FirstFailure).FirstOrDefault(f => f is not null),
        };
}
