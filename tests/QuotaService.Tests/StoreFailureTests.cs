using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>A store that answers with an error, or with data that cannot be read, is a store that is down: local limits, never a 500.</summary>
[Trait("Category", "Redis")]
public sealed class StoreFailureTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    private static readonly AdmissionRequest Chat = new("chat", 10);

    [Fact]
    public async Task An_error_reply_from_the_store_takes_the_store_down_path_until_it_serves_again()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.ProbeInterval = TimeSpan.FromMilliseconds(200));
        var (broken, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        var (healthy, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 1_000 });
        var db = router.Redis.GetDatabase();
        // The admission script meets a key of the wrong type and the store answers with an error, as it
        // would with OOM or READONLY (which Garnet cannot be put into): the same RedisServerException.
        await db.StringSetAsync(TenantKeys.WindowLog(broken.Id), "not a sorted set");

        var failed = await router.Admission.AdmitAsync(broken, Chat, default);
        var meanwhile = await router.Admission.AdmitAsync(healthy, Chat, default);
        var released = await router.Admission.ReleaseAsync(meanwhile.Lease!, default);

        Assert.True(failed is { Admitted: true, Degraded: true });
        Assert.True(meanwhile is { Admitted: true, Degraded: true });
        Assert.Equal(LeaseOutcome.Applied, released);

        await db.KeyDeleteAsync(TenantKeys.WindowLog(broken.Id));
        var admitted = 1;
        AdmissionDecision? after = null;
        await Poll.UntilAsync(async () =>
        {
            after = await router.Admission.AdmitAsync(healthy, Chat, default);
            admitted += after.Admitted ? 1 : 0;
            return !after.Degraded;
        }, TimeSpan.FromSeconds(10), "admission did not return to the store");
        Assert.True(after!.Admitted);
        // The local admissions were handed over first: the store counted them all before deciding.
        Assert.Equal(1_000 - admitted, after.RateLimits.RemainingRequests);
    }

    [Fact]
    public async Task A_degraded_lease_is_settled_once_where_it_was_admitted_and_every_tenant_is_handed_over_on_recovery()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.ProbeInterval = TimeSpan.FromMilliseconds(200));
        var (broken, _) = await router.CreateTenantAsync(new TenantLimits());
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 1_000 });
        var (idle, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 1_000 });
        var db = router.Redis.GetDatabase();
        await db.StringSetAsync(TenantKeys.WindowLog(broken.Id), "not a sorted set");
        Assert.True((await router.Admission.AdmitAsync(broken, Chat, default)).Degraded);
        var local = (await router.Admission.AdmitAsync(tenant, Chat, default)).Lease!;
        Assert.True((await router.Admission.AdmitAsync(idle, Chat, default)).Degraded);

        var settled = await router.Admission.SettleAsync(local, new UsageReport(3, 4, 0.5m), default);
        var replayed = await router.Admission.SettleAsync(local, new UsageReport(3, 4, 0.5m), default);
        await db.KeyDeleteAsync(TenantKeys.WindowLog(broken.Id));
        await Poll.UntilAsync(async () => !(await router.Admission.AdmitAsync(tenant, Chat, default)).Degraded, TimeSpan.FromSeconds(10),
            "admission did not return to the store");

        Assert.True(local.Degraded);
        Assert.Equal([LeaseOutcome.Applied, LeaseOutcome.AlreadyFinished], [settled, replayed]);
        // Its tokens reached the store with the hand-over; its spend was settled locally only.
        var usage = (await router.Store.GetUsageAsync(tenant.Id))!;
        Assert.Equal(0m, usage.SpendThisMonthUsd);
        Assert.Equal(7, usage.TokensLastMinute - (usage.RequestsLastMinute - 1) * Chat.ReservedTokens);
        // A tenant with no admission since is handed over when the store answers again, all the same.
        await Poll.UntilAsync(async () => (await router.Store.GetUsageAsync(idle.Id))!.RequestsLastMinute == 1, TimeSpan.FromSeconds(5),
            "the idle tenant's local admission never reached the store");
    }

    [Fact]
    public async Task Scripts_flushed_from_the_store_are_sent_again()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, _) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 10 });
        Assert.False((await router.Admission.AdmitAsync(tenant, Chat, default)).Degraded);
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        options.AllowAdmin = true;
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(options))
        {
            await admin.GetServer(admin.GetEndPoints()[0]).ScriptFlushAsync();
        }

        // EVALSHA now answers NOSCRIPT; StackExchange.Redis sends the script itself, so nothing falls back.
        var after = await router.Admission.AdmitAsync(tenant, Chat, default);
        var settled = await router.Admission.SettleAsync(after.Lease!, new UsageReport(1, 1, 0), default);

        Assert.True(after is { Admitted: true, Degraded: false });
        Assert.Equal(LeaseOutcome.Applied, settled);
    }

    [Fact]
    public async Task An_unreadable_tenant_record_is_a_503_not_a_500_and_can_be_deleted()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        var id = "corrupt-" + Guid.NewGuid().ToString("N")[..8];
        var created = await client.PostAsJsonAsync("/admin/tenants", new { id, limits = new { requestsPerMinute = 5 } });
        var apiKey = (await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        await redis.GetDatabase().StringSetAsync(TenantKeys.Definition(id), "{\"definition\": {\"id\": ");

        var admitted = await Admit(client, apiKey);
        var read = await client.GetAsync($"/admin/tenants/{id}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Contains(id, (await read.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>());
        // Everyone else is served again once the store is probed (local limits meanwhile, never a 500).
        await Poll.UntilAsync(async () => (await Admit(client, "demo-key")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "other tenants were not served");

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/admin/tenants/{id}")).StatusCode);
        await Poll.UntilAsync(async () => (await Admit(client, apiKey)).StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5),
            "the deleted tenant's key still works");
    }

    private static Task<HttpResponseMessage> Admit(HttpClient client, string apiKey) =>
        client.PostAsJsonAsync("/v1/admission/admit", new { apiKey, modelGroup = "chat", reservedTokens = 10 });
}
