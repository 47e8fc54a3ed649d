using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Router.Configuration;
using Switchyard.Router.Routing.Latency;

namespace Switchyard.Router.Tests.Latency;

public sealed class LatencySketchTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    [Fact]
    public void No_more_than_the_quantiles_share_of_values_lies_above_its_upper_bound()
    {
        // Values that barely vary, as first tokens from one deployment do: the bound must still hold.
        Gen.Select(Gen.Double[900, 1_000].Array[1, 400], Gen.Double[0.5, 0.999])
            .Sample((values, quantile) =>
            {
                var sketch = new LatencySketch(Window, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
                foreach (var value in values)
                {
                    sketch.Record(value);
                }

                var bound = sketch.UpperBound(quantile)!.Value;
                var above = values.Count(v => v > bound);
                return above <= (1 - quantile) * values.Length + 1e-9 && bound >= sketch.Quantile(quantile)!.Value && bound <= values.Max() * sketch.Growth;
            }, iter: 500);
    }

    [Fact]
    public void Every_quantile_is_within_the_relative_error_of_the_exact_one()
    {
        Gen.Select(Gen.Double[1, 600_000].Array[1, 400], Gen.Double[0, 1])
            .Sample((values, quantile) =>
            {
                var sketch = new LatencySketch(Window, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
                foreach (var value in values)
                {
                    sketch.Record(value);
                }

                // Nearest rank: the smallest value with at least quantile x n values at or below it. Where quantile x n
                // is a whole number its floating-point product can land just above it (29/54 x 108 = 58.00000000000001),
                // and the rank is still that number, as the sketch reads it (CsCheck seed 4859dvZutkb2 found this).
                var sorted = values.Order().ToArray();
                var exact = sorted[Math.Max(0, (int)Math.Ceiling(quantile * sorted.Length * (1 - 1e-12)) - 1)];
                var estimate = sketch.Quantile(quantile)!.Value;
                return Math.Abs(estimate - exact) / exact <= sketch.RelativeError + 1e-9;
            }, iter: 500);
    }

    [Fact]
    public void Quantiles_weigh_both_windows_whatever_buckets_each_has_counted_in()
    {
        // Each window reads only the buckets it has counted in: the previous window's values and the current one's
        // come from ranges of their own (apart, overlapping or nested), and the quantile must still weigh them all.
        Gen.Select(Gen.Double[1, 600_000].Array[1, 200], Gen.Double[1, 600_000].Array[0, 200], Gen.Double[0, 0.999], Gen.Double[0, 1])
            .Sample((older, newer, into, quantile) =>
            {
                var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
                var sketch = new LatencySketch(Window, clock);
                foreach (var value in older)
                {
                    sketch.Record(value);
                }

                clock.Advance(Window * (1 + into));
                foreach (var value in newer)
                {
                    sketch.Record(value);
                }

                // The weighted nearest rank: the smallest value whose cumulative weight reaches quantile x total weight,
                // each older sample weighing the share of its window still within one window of now.
                var weight = 1 - (clock.GetTimestamp() * ((double)TimeSpan.TicksPerSecond / clock.TimestampFrequency) % Window.Ticks) / Window.Ticks;
                var weighted = older.Select(v => (Value: v, Weight: weight)).Concat(newer.Select(v => (Value: v, Weight: 1.0))).OrderBy(s => s.Value).ToArray();
                var rank = Math.Max(quantile * weighted.Sum(s => s.Weight), double.Epsilon) * (1 - 1e-9);
                var cumulative = 0.0;
                var exact = weighted.First(s => (cumulative += s.Weight) >= rank).Value;
                var estimate = sketch.Quantile(quantile)!.Value;
                // Two samples in one bucket are not told apart, so near a rank's edge the sketch may name the
                // neighbouring sample in the same or next bucket: within two buckets' growth of the exact one.
                return Math.Abs(Math.Log(estimate / exact)) <= 2 * Math.Log(sketch.Growth) + 1e-9;
            }, iter: 500);
    }

    [Fact]
    public void Too_few_samples_give_no_quantile()
    {
        var sketch = new LatencySketch(Window, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        sketch.Record(100);
        sketch.Record(200);

        Assert.Null(sketch.Quantile(0.5, minSamples: 3));
        Assert.NotNull(sketch.Quantile(0.5, minSamples: 2));
    }

    [Fact]
    public void Old_samples_fade_over_the_next_window_and_then_are_gone()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var sketch = new LatencySketch(Window, clock);
        for (var i = 0; i < 100; i++)
        {
            sketch.Record(1000);
        }

        clock.Advance(Window * 1.25); // a quarter into the next window: three quarters of the old one still count
        Assert.Equal(75, sketch.Count, precision: 6);
        for (var i = 0; i < 100; i++)
        {
            sketch.Record(10);
        }

        // 100 fast samples weigh more than 75 slow ones: the median is fast now.
        Assert.InRange(sketch.Quantile(0.5)!.Value, 10 / (1 + sketch.RelativeError), 10 * (1 + sketch.RelativeError));
        clock.Advance(Window * 2);
        Assert.Equal(0, sketch.Count);
        Assert.Null(sketch.Quantile(0.5));
    }

    [Fact]
    public void A_sample_counts_in_the_window_of_the_timestamp_it_was_recorded_with()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var sketch = new LatencySketch(Window, clock);
        var then = clock.GetTimestamp();
        clock.Advance(Window * 1.25);
        for (var i = 0; i < 100; i++)
        {
            sketch.Record(1000, then);
        }

        // Recorded now, taken a window ago: it counts as the previous window's, three quarters of it still.
        Assert.Equal(75, sketch.Count, precision: 6);

        // A sample older than every window that counts replaces none of them: the current window keeps its samples.
        sketch.Record(10);
        sketch.Record(1000, then - TimeSpan.FromTicks(Window.Ticks * 2).Ticks);
        Assert.Equal(76, sketch.Count, precision: 6);
    }

    [Fact]
    public void Concurrent_recording_loses_nothing_within_a_window()
    {
        var sketch = new LatencySketch(Window, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                sketch.Record(i % 500 + 1);
            }
        });

        Assert.Equal(80_000, sketch.Count);
    }

    [Fact]
    public void The_first_token_deadline_follows_the_deployments_p99_within_its_bounds()
    {
        var options = new ResponseTimeOptions { MinSamples = 10 };
        options.FirstToken.Multiplier = 3;
        options.FirstToken.Floor = TimeSpan.FromSeconds(2);
        options.FirstToken.Ceiling = TimeSpan.FromSeconds(20);
        options.FirstToken.Default = TimeSpan.FromSeconds(10);
        var latency = new DeploymentLatency(Window, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var attempt = TimeSpan.FromSeconds(30);

        Assert.Equal(TimeSpan.FromSeconds(10), latency.FirstTokenDeadline(options, attempt)); // no history yet
        Assert.Equal(TimeSpan.FromSeconds(4), latency.FirstTokenDeadline(options, TimeSpan.FromSeconds(4))); // never past the attempt timeout

        for (var i = 0; i < 10; i++)
        {
            latency.TimeToFirstTokenMs.Record(1500);
        }

        var deadline = latency.FirstTokenDeadline(options, attempt).TotalMilliseconds;
        Assert.InRange(deadline, 4500 / (1 + latency.TimeToFirstTokenMs.RelativeError), 4500 * (1 + latency.TimeToFirstTokenMs.RelativeError));

        for (var i = 0; i < 1000; i++)
        {
            latency.TimeToFirstTokenMs.Record(50);
        }

        Assert.Equal(TimeSpan.FromSeconds(2), latency.FirstTokenDeadline(options, attempt)); // the floor
        for (var i = 0; i < 2000; i++)
        {
            latency.TimeToFirstTokenMs.Record(60_000);
        }

        Assert.Equal(TimeSpan.FromSeconds(20), latency.FirstTokenDeadline(options, attempt)); // the ceiling
    }

    [Fact]
    public void The_stall_limit_follows_the_gaps_between_updates_within_its_bounds()
    {
        var options = new ResponseTimeOptions { MinSamples = 5 };
        options.Stall.Multiplier = 10;
        options.Stall.Floor = TimeSpan.FromSeconds(1);
        var latency = new DeploymentLatency(Window, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var ceiling = TimeSpan.FromSeconds(30);

        Assert.Equal(ceiling, latency.StallTimeout(options, ceiling));
        for (var i = 0; i < 5; i++)
        {
            latency.UpdateGapMs.Record(20);
        }

        Assert.Equal(TimeSpan.FromSeconds(1), latency.StallTimeout(options, ceiling));
        for (var i = 0; i < 100; i++)
        {
            latency.UpdateGapMs.Record(400);
        }

        Assert.InRange(latency.StallTimeout(options, ceiling).TotalMilliseconds, 4000 / 1.03, 4000 * 1.03);
    }
}
