using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// One tenant's keys for the hot path, built once (the calendar keys once per UTC day) rather than on
/// every admission and settlement.
/// </summary>
internal sealed class TenantKeySet(string tenantId)
{
    private Calendar? _calendar;

    public RedisKey Log { get; } = TenantKeys.WindowLog(tenantId);

    public RedisKey Tokens { get; } = TenantKeys.WindowTokens(tenantId);

    public RedisKey Leases { get; } = TenantKeys.Leases(tenantId);

    public RedisKey Epoch { get; } = TenantKeys.UsageEpoch(tenantId);

    public RedisKey Blocks { get; } = TenantKeys.Blocks(tenantId);

    public RedisKey Lease(string leaseId) => TenantKeys.Lease(tenantId, leaseId);

    /// <summary>The day and month keys for the moment, and the previous day's (a lease admitted before midnight settles after it).</summary>
    public (RedisKey Day, RedisKey Month, RedisKey PreviousDay) CalendarFor(DateTimeOffset utc)
    {
        var dayNumber = utc.UtcTicks / TimeSpan.TicksPerDay;
        var calendar = Volatile.Read(ref _calendar);
        if (calendar is null || calendar.DayNumber != dayNumber)
        {
            calendar = new Calendar(dayNumber, TenantKeys.Day(tenantId, utc), TenantKeys.Month(tenantId, utc), TenantKeys.Day(tenantId, utc.AddDays(-1)));
            Volatile.Write(ref _calendar, calendar);
        }

        return (calendar.Day, calendar.Month, calendar.PreviousDay);
    }

    private sealed record Calendar(long DayNumber, RedisKey Day, RedisKey Month, RedisKey PreviousDay);
}
