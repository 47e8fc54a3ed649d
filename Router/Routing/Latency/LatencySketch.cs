namespace Switchyard.Router.Routing.Latency;

/// <summary>
/// A decaying histogram of positive values (milliseconds, tokens per second) with log-spaced buckets,
/// so any quantile is known within a fixed relative error (half a bucket's growth) at any scale. It keeps
/// two windows: the current one, and the previous one weighted by the share of it that still lies within
/// one window of now, so old samples fade out linearly instead of all at once. Recording is one
/// interlocked increment and never blocks: it is on every attempt's path, and on every update of every stream.
/// Each window also keeps the lowest and highest bucket it has counted in, so a quantile reads only the buckets
/// between them: a deployment's latencies span a few dozen of the 311 buckets, and every attempt asks three quantiles.
/// </summary>
public sealed class LatencySketch
{
    // 8 KB of doubles: the default range (1 ms to an hour at 5 % growth) needs 311 buckets.
    private const int MaxStackBuckets = 1024;

    private readonly TimeProvider _clock;
    private readonly long _windowTicks;
    private readonly double _ticksPerTimestamp;
    private readonly double _min;
    private readonly double _logGrowth;
    private readonly int _buckets;
    private readonly Window?[] _windows = new Window?[2];


    /// <param name="window">How long a sample counts fully; it fades out over the next window.</param>
    /// <param name="clock">The clock windows are cut by.</param>
    /// <param name="min">Smallest value told apart; smaller ones count as it.</param>
    /// <param name="max">Largest value told apart; larger ones count as it.</param>
    /// <param name="growth">Ratio of one bucket's bound to the previous one's: the relative error is about half of (growth - 1).</param>
    public LatencySketch(TimeSpan window, TimeProvider clock, double min = 1, double max = 3_600_000, double growth = 1.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(min, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(max, min);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(growth, 1);
        _clock = clock;
        _windowTicks = window.Ticks;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / clock.TimestampFrequency;
        _min = min;
        _logGrowth = Math.Log(growth);
        _buckets = (int)Math.Ceiling(Math.Log(max / min) / _logGrowth) + 1;
        Growth = growth;
    }

    /// <summary>Ratio between neighbouring bucket bounds.</summary>
    public double Growth { get; }

    /// <summary>Largest relative error of a quantile: a bucket is reported by its geometric middle.</summary>
    public double RelativeError => Math.Sqrt(Growth) - 1;

    public void Record(double value) => Record(value, _clock.GetTimestamp());

    /// <summary>Records a sample taken at <paramref name="timestamp"/>, a <see cref="TimeProvider.GetTimestamp"/> reading the caller already has (a stream's update gaps: one clock read per update, not two).</summary>
    public void Record(double value, long timestamp)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        if (Current(Epoch(timestamp, out _)) is { } window)
        {
            var bucket = Bucket(value);
            // The range first: a reader that sees the count also sees its bucket within the range.
            window.Cover(bucket);
            Interlocked.Increment(ref window.Counts[bucket]);
        }
    }

    /// <summary>Samples that still count, the previous window's weighted by how much of it is still within one window.</summary>
    public double Count
    {
        get
        {
            // Summed when asked (gauges, tests) rather than kept in a total every record would increment as well.
            var (current, previous, weight) = Snapshot();
            var (low, high) = Range(current, previous);
            var count = 0.0;
            for (var i = low; i <= high; i++)
            {
                count += (current is null ? 0 : Volatile.Read(ref current.Counts[i])) + (previous is null ? 0 : weight * Volatile.Read(ref previous.Counts[i]));
            }

            return count;
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) of what still counts; null with fewer than <paramref name="minSamples"/> samples.</summary>
    public double? Quantile(double quantile, double minSamples = 1) =>
        QuantileBucket(quantile, minSamples) is { } bucket ? Representative(bucket) : null;

    /// <summary>
    /// A value no sample in the <paramref name="quantile"/>'s bucket exceeds: at most 1 - <paramref name="quantile"/> of
    /// what still counts lies above it (the bucket's upper bound, up to <see cref="Growth"/> - 1 above the quantile).
    /// For thresholds that must not be crossed more often than the quantile says, as a hedge delay.
    /// </summary>
    public double? UpperBound(double quantile, double minSamples = 1) =>
        QuantileBucket(quantile, minSamples) is { } bucket ? (bucket == 0 ? _min : _min * Math.Exp(bucket * _logGrowth)) : null;

    /// <summary>The bucket of the <paramref name="quantile"/> by the nearest-rank definition; null with fewer than <paramref name="minSamples"/> samples.</summary>
    private int? QuantileBucket(double quantile, double minSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var (current, previous, weight) = Snapshot();
        var (low, high) = Range(current, previous);
        var width = Math.Max(0, high - low + 1);
        // Asked on every attempt (deadlines, hedge delay, stall limit): the weighted counts of the buckets in use
        // live on the stack, up to a few KB that would otherwise be the largest allocation of a request.
        Span<double> counts = width <= MaxStackBuckets ? stackalloc double[width] : new double[width];
        var total = 0.0;
        for (var i = 0; i < width; i++)
        {
            counts[i] = (current is null ? 0 : Volatile.Read(ref current.Counts[low + i])) + (previous is null ? 0 : weight * Volatile.Read(ref previous.Counts[low + i]));
            total += counts[i];
        }

        if (total <= 0 || total < Math.Max(minSamples, double.Epsilon))
        {
            return null;
        }

        // The smallest bucket whose cumulative weight reaches the rank (the nearest-rank definition).
        var rank = Math.Max(quantile * total, double.Epsilon);
        var cumulative = 0.0;
        for (var i = 0; i < width; i++)
        {
            cumulative += counts[i];
            if (cumulative >= rank * (1 - 1e-12))
            {
                return low + i;
            }
        }

        return high;
    }

    /// <summary>The buckets either window has counted in; empty (low above high) when neither has.</summary>
    private static (int Low, int High) Range(Window? current, Window? previous) =>
        (Math.Min(current?.Low ?? int.MaxValue, previous?.Low ?? int.MaxValue), Math.Max(current?.High ?? -1, previous?.High ?? -1));

    /// <summary>Forgets every sample (scenario resets).</summary>
    public void Reset()
    {
        Volatile.Write(ref _windows[0], null);
        Volatile.Write(ref _windows[1], null);
    }

    private long Epoch(long timestamp, out double intoWindow)
    {
        // Monotonic time in TimeSpan ticks: a caller's timestamp serves, and a step of the wall clock moves no window.
        var ticks = (long)(timestamp * _ticksPerTimestamp);
        intoWindow = (double)(ticks % _windowTicks) / _windowTicks;
        return ticks / _windowTicks;
    }

    /// <summary>The window of <paramref name="epoch"/>, begun if need be; null when its slot already holds a later window (a sample from long ago counts nowhere).</summary>
    private Window? Current(long epoch)
    {
        ref var slot = ref _windows[epoch & 1];
        while (true)
        {
            var window = Volatile.Read(ref slot);
            if (window is not null && window.Epoch >= epoch)
            {
                return window.Epoch == epoch ? window : null;
            }

            // A stale window is replaced whole, never cleared in place: a racing increment lands in the old
            // object and is lost (one sample), instead of surviving into the new window's counts.
            var fresh = new Window(epoch, _buckets);
            if (Interlocked.CompareExchange(ref slot, fresh, window) == window)
            {
                return fresh;
            }
        }
    }

    private (Window? Current, Window? Previous, double PreviousWeight) Snapshot()
    {
        var epoch = Epoch(_clock.GetTimestamp(), out var intoWindow);
        var current = Volatile.Read(ref _windows[epoch & 1]);
        var previous = Volatile.Read(ref _windows[(epoch - 1) & 1]);
        return (current?.Epoch == epoch ? current : null, previous?.Epoch == epoch - 1 ? previous : null, 1 - intoWindow);
    }

    private int Bucket(double value) =>
        value <= _min ? 0 : Math.Min(_buckets - 1, (int)(Math.Log(value / _min) / _logGrowth) + 1);

    // Bucket 0 holds [0, min]; bucket i > 0 holds (min g^(i-1), min g^i].
    private double Representative(int bucket) => bucket == 0 ? _min : _min * Math.Exp((bucket - 0.5) * _logGrowth);

    private sealed class Window(long epoch, int buckets)
    {
        public readonly long Epoch = epoch;
        public readonly long[] Counts = new long[buckets];
        private int _low = int.MaxValue;
        private int _high = -1;

        /// <summary>Lowest bucket counted in (int.MaxValue before the first sample).</summary>
        public int Low => Volatile.Read(ref _low);

        /// <summary>Highest bucket counted in (-1 before the first sample).</summary>
        public int High => Volatile.Read(ref _high);

        /// <summary>Widens the range to <paramref name="bucket"/>: a read on almost every sample, a write only when the range grows.</summary>
        public void Cover(int bucket)
        {
            for (var low = Low; bucket < low; low = Low)
            {
                if (Interlocked.CompareExchange(ref _low, bucket, low) == low)
                {
                    break;
                }
            }

            for (var high = High; bucket > high; high = High)
            {
                if (Interlocked.CompareExchange(ref _high, bucket, high) == high)
                {
                    break;
                }
            }
        }
    }
}
