using CsCheck;
using Switchyard.Admission;

namespace Switchyard.QuotaService.Tests;

/// <summary>The arithmetic of a block's size (<see cref="TenantBlock.Size"/>): what keeps blocks within a limit's share.</summary>
public sealed class BlockSizeTests
{
    private static readonly Gen<long?> Limit = Gen.Frequency((1, Gen.Const((long?)null)), (3, Gen.Long[1, 100_000_000].Select(v => (long?)v)));

    [Fact]
    public void All_replicas_blocks_together_never_hold_more_than_the_share_of_any_limit()
    {
        Gen.Select(Gen.Select(Limit, Limit, Limit, Limit), Gen.Double[0, 100_000], Gen.Double[0, 100_000_000], Gen.Int[1, 1_000])
            .Sample((limits, perInterval, average, replicas) =>
            {
                var (rpm, tpm, daily, concurrency) = limits;
                var tenant = new TenantLimits { RequestsPerMinute = rpm, TokensPerMinute = tpm, DailyTokenBudget = daily, MaxConcurrency = (int?)concurrency };
                var size = TenantBlock.Size(tenant, perInterval, average, replicas);
                if (size.Requests == 0)
                {
                    return size == default;
                }

                return size.Requests >= 2 && size.Requests <= TenantBlock.MaxRequests && size.Tokens >= 2 * Math.Max(1, average)
                    && Within(size.Requests, rpm, replicas) && Within(size.Tokens, tpm, replicas) && Within(size.Tokens, daily, replicas)
                    && (concurrency is null ? size.Concurrency == 0 : size.Concurrency >= 2 && Within(size.Concurrency, concurrency, replicas));
            });
    }

    [Theory]
    [InlineData(3, 599, false)]
    [InlineData(3, 600, true)]
    [InlineData(1, 199, false)]
    [InlineData(1, 200, true)]
    public void A_limit_that_cannot_spare_two_requests_per_replica_gets_no_block(int replicas, long rpm, bool block)
    {
        var size = TenantBlock.Size(new TenantLimits { RequestsPerMinute = rpm }, perInterval: 50, averageReserved: 100, replicas);

        Assert.Equal(block, size.Requests > 0);
    }

    [Fact]
    public void An_unlimited_tenant_gets_twice_an_interval_of_requests_at_one_and_a_half_times_the_average_reservation()
    {
        Assert.Equal(new BlockSize(100, 15_000, 0), TenantBlock.Size(new TenantLimits(), perInterval: 50, averageReserved: 100, replicas: 3));
        Assert.Equal(new BlockSize(4, 600, 0), TenantBlock.Size(new TenantLimits(), perInterval: 0.5, averageReserved: 100, replicas: 3));
        Assert.Equal(TenantBlock.MaxRequests, TenantBlock.Size(new TenantLimits(), perInterval: 1e9, averageReserved: 1, replicas: 1).Requests);
    }

    [Fact]
    public void A_busy_tenant_hands_over_about_ten_entries_at_a_time_within_a_quarter_of_the_interval_and_all_of_it()
    {
        var longest = TimeSpan.FromMilliseconds(20);
        var period = TimeSpan.FromMilliseconds(20).Ticks;

        // 2,200 a second: 10 take 4.5 ms, under the quarter.
        Assert.Equal(TimeSpan.FromMilliseconds(5), TenantBlock.Interval(admitted: 44, period, longest));
        // 1,000 a second: 10 take 10 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(10), TenantBlock.Interval(admitted: 20, period, longest));
        // 250 a second, and none at all: the whole interval.
        Assert.Equal(longest, TenantBlock.Interval(admitted: 5, period, longest));
        Assert.Equal(longest, TenantBlock.Interval(admitted: 0, period, longest));
    }

    [Fact]
    public void The_wait_between_hand_overs_stays_within_the_interval_and_carries_the_entries_unless_at_its_shortest()
    {
        Gen.Select(Gen.Long[0, 100_000], Gen.Long[1, TimeSpan.TicksPerMinute], Gen.Long[4, TimeSpan.TicksPerSecond])
            .Sample((admitted, period, longest) =>
            {
                var wait = TenantBlock.Interval(admitted, period, TimeSpan.FromTicks(longest)).Ticks;
                var entries = admitted == 0 ? 0 : (double)admitted * wait / period;
                return wait >= longest / 4 && wait <= longest
                    // Within one tick's admissions of the aim: the wait is whole ticks.
                    && (wait == longest / 4 || wait == longest || Math.Abs(entries - TenantBlock.EntriesPerHandOver) <= (double)admitted / period + 1e-9);
            });
    }

    private static bool Within(long amount, long? limit, int replicas) => limit is null || amount * replicas <= limit * TenantBlock.Share;
}
