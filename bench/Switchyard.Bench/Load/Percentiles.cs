namespace Switchyard.Bench.Load;

/// <summary>Nearest-rank percentiles over a sorted copy of the values.</summary>
public sealed class Percentiles
{
    private readonly double[] sorted;

    public Percentiles(IEnumerable<double> values)
    {
        sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(sorted);
    }

    public int Count => sorted.Length;

    public double P50 => At(50);

    public double P99 => At(99);

    public double Max => sorted.Length == 0 ? double.NaN : sorted[^1];

    public double At(double percentile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
