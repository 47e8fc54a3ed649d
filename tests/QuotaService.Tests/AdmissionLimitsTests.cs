using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

[Trait("Category", "Redis")]
public sealed class AdmissionLimitsTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    private static readonly AdmissionRequest Chat = new("chat", 100);

    [Fact]
    public async Task Three_concurrent_clients_never_exceed_requests_per_minute()
    {
        var routers = await StartRoutersAsync(3);
        var (tenant, _) = await routers[0].CreateTenantAsync(new TenantLimits { RequestsPerMinute = 20 });

        var decisions = await Task.WhenAll(routers.SelectMany(r => Enumerable.Range(0, 30).Select(_ => r.Admission.AdmitAsync(tenant, Chat, default).AsTask())));

        Assert.Equal(20, decisions.Count(d => d.Admitted));
        Assert.All(decisions.Where(d => !d.Admitted), d =>
        {
            Assert.Equal(RejectionReason.RequestsPerMinute, d.Reason);
            Assert.InRange(d.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
            Assert.Equal(0, d.RateLimits.RemainingRequests);
        });
        await DisposeAsync(routers);
    }

    [Fact]
    public async Task Three_concurrent_clients_never_exceed_tokens_per_minute()
    {
        var routers = await StartRoutersAsync(3);
        var (tenant, _) = await routers[0].CreateTenantAsync(new TenantLimits { TokensPerMinute = 1_000 });

        var decisions = await Task.WhenAll(routers.SelectMany(r => Enumerable.Range(0, 10).Select(_ => r.Admission.AdmitAsync(tenant, Chat, default).AsTask())));

        Assert.Equal(10, decisions.Count(d => d.Admitted));
        Assert.All(decisions.Where(d => !d.Admitted), d => Assert.Equal(RejectionReason.TokensPerMinute, d.Reason));
        await DisposeAsync(routers);
    }

    [Fact]
    public async Task A_tenant_flooding_at_ten_times_its_limit_costs_other_tenants_nothing()
    {
        var routers = await StartRoutersAsync(3);
        var (noisy, _) = await routers[0].CreateTenantAsync(new TenantLimits { RequestsPerMinute = 5 });
        var (quiet, _) = await routers[0].CreateTenantAsync(new TenantLimits { RequestsPerMinute = 12 });

        var flood = routers.SelectMany(r => Enumerable.Range(0, 17).Select(_ => r.Admission.AdmitAsync(noisy, Chat, default).AsTask())).ToList();
        var others = routers.SelectMany(r => Enumerable.Range(0, 4).Select(_ => r.Admission.AdmitAsync(quiet, Chat, default).AsTask())).ToList();
        await Task.WhenAll([.. flood, .. others]);

        Assert.Equal(5, flood.Count(t => t.Result.Admitted));
        Assert.All(others, t => Assert.True(t.Result.Admitted));
        await DisposeAsync(routers);
    }

    [Fact]
    public async Task Reference_demo_admits_three_of_five_for_A_and_all_for_B_and_C()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (a, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 3 }, "consumer-a-model");
        var (b, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 }, "consumer-b-model");
        var (c, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 }, "consumer-c-model");

        var sends = new[] { (a, "consumer-a-model"), (b, "consumer-b-model"), (c, "consumer-c-model") }
            .Select(s => Task.WhenAll(Enumerable.Range(0, 5).Select(_ => router.Admission.AdmitAsync(s.Item1, new AdmissionRequest(s.Item2, 50), default).AsTask())))
            .ToList();
        var results = await Task.WhenAll(sends);

        Assert.Equal([3, 5, 5], results.Select(r => r.Count(d => d.Admitted)));
    }

    [Fact]
    public async Task Settlement_refunds_the_unused_reservation()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { TokensPerMinute = 1_000 });
        var big = new AdmissionRequest("chat", 800);

        var first = await router.Admission.AdmitAsync(tenant, big, default);
        var second = await router.Admission.AdmitAsync(tenant, big, default);
        await router.Admission.SettleAsync(first.Lease!, new UsageReport(60, 40, 0.001m), default);
        var third = await router.Admission.AdmitAsync(tenant, big, default);

        Assert.True(first.Admitted);
        Assert.Equal(200, first.RateLimits.RemainingTokens);
        Assert.Equal(RejectionReason.TokensPerMinute, second.Reason);
        Assert.InRange(second.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.True(third.Admitted);
        Assert.Equal(100, third.RateLimits.RemainingTokens);
        var usage = await router.Store.GetUsageAsync(tenant.Id);
        Assert.Equal(new TenantUsage(tenant.Id, 2, 900, 1, 900, 0.001m), usage);
    }

    [Fact]
    public async Task Concurrency_leases_are_released_and_expire_by_themselves()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.LeaseDuration = TimeSpan.FromMilliseconds(400));
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { MaxConcurrency = 1 });

        var held = await router.Admission.AdmitAsync(tenant, Chat, default);
        var blocked = await router.Admission.AdmitAsync(tenant, Chat, default);
        await router.Admission.ReleaseAsync(held.Lease!, default);
        var afterRelease = await router.Admission.AdmitAsync(tenant, Chat, default);
        // Never released, as after a crash: the lease expires.
        await Task.Delay(600);
        var afterExpiry = await router.Admission.AdmitAsync(tenant, Chat, default);

        Assert.True(held.Admitted);
        Assert.Equal(RejectionReason.Concurrency, blocked.Reason);
        Assert.InRange(blocked.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.True(afterRelease.Admitted);
        Assert.True(afterExpiry.Admitted);
    }

    [Fact]
    public async Task Daily_token_budget_runs_out_until_the_next_utc_day()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { DailyTokenBudget = 1_000 });
        var request = new AdmissionRequest("chat", 600);

        var first = await router.Admission.AdmitAsync(tenant, request, default);
        var second = await router.Admission.AdmitAsync(tenant, request, default);
        await router.Admission.SettleAsync(first.Lease!, new UsageReport(100, 100, 0), default);
        var afterRefund = await router.Admission.AdmitAsync(tenant, request, default);

        Assert.True(first.Admitted);
        Assert.Equal(RejectionReason.DailyTokenBudget, second.Reason);
        var untilMidnight = DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow;
        Assert.InRange(second.RetryAfter, untilMidnight - TimeSpan.FromMinutes(1), untilMidnight + TimeSpan.FromMinutes(1));
        Assert.True(afterRefund.Admitted);
    }

    [Fact]
    public async Task Monthly_spend_budget_runs_out_once_settled_costs_reach_it()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { MonthlySpendBudgetUsd = 1.5m });

        var first = await router.Admission.AdmitAsync(tenant, Chat, default);
        await router.Admission.SettleAsync(first.Lease!, new UsageReport(50, 50, 1.0m), default);
        var second = await router.Admission.AdmitAsync(tenant, Chat, default);
        await router.Admission.SettleAsync(second.Lease!, new UsageReport(50, 50, 0.5m), default);
        var third = await router.Admission.AdmitAsync(tenant, Chat, default);

        Assert.True(second.Admitted);
        Assert.Equal(RejectionReason.MonthlySpendBudget, third.Reason);
        Assert.True(third.RetryAfter > TimeSpan.Zero);
        Assert.Equal(1.5m, (await router.Store.GetUsageAsync(tenant.Id))!.SpendThisMonthUsd);
    }

    [Fact]
    public async Task A_model_group_outside_the_allowed_ones_is_refused()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 5 }, "allowed");

        var refused = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("other", 10), default);
        var allowed = await router.Admission.AdmitAsync(tenant, new AdmissionRequest("allowed", 10), default);

        Assert.Equal(RejectionReason.ModelNotAllowed, refused.Reason);
        Assert.True(allowed.Admitted);
        Assert.Equal(new RateLimitSnapshot(5, 4, allowed.RateLimits.ResetRequests, null, null, allowed.RateLimits.ResetTokens), allowed.RateLimits);
        Assert.InRange(allowed.RateLimits.ResetRequests, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Invalid_admission_options_fail_at_start()
    {
        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            AdmissionClient.StartAsync(server.ConnectionString, o => o.StoreTimeout = TimeSpan.Zero));
    }

    private async Task<AdmissionClient[]> StartRoutersAsync(int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => AdmissionClient.StartAsync(server.ConnectionString)));

    private static async Task DisposeAsync(AdmissionClient[] routers)
    {
        foreach (var router in routers)
        {
            await router.DisposeAsync();
        }
    }
}
