using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

[Trait("Category", "Redis")]
public sealed class AdmissionApiTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task Reference_demo_over_http_A_gets_3_of_5_B_and_C_all_5()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/admin/reset-usage", null)).StatusCode);

        var results = await Task.WhenAll(new[] { "a", "b", "c" }.Select(c =>
            Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Admit(client, $"consumer-{c}-key", $"consumer-{c}-model")))));

        Assert.Equal([3, 5, 5], results.Select(r => r.Count(response => response.StatusCode == HttpStatusCode.OK)));
        var limited = results[0].First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 60);
        var body = (await limited.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("requests_per_minute", body["reason"]!.GetValue<string>());
        Assert.Equal(0, body["rateLimits"]!["remainingRequests"]!.GetValue<int>());
        Assert.Equal(3, body["rateLimits"]!["limitRequests"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_lease_is_settled_and_released_by_its_own_tenant_only()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        await client.PostAsync("/admin/tenants/demo/reset-usage", null);

        var admitted = await Admit(client, "demo-key", "any-model");
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var leaseId = (await admitted.Content.ReadFromJsonAsync<JsonObject>())!["lease"]!["leaseId"]!.GetValue<string>();

        // Another tenant's key names no lease of its own by that id.
        var foreign = await client.PostAsJsonAsync("/v1/admission/settle", new { apiKey = "consumer-b-key", leaseId, inputTokens = 3, outputTokens = 4, costUsd = 0.25 });
        var settled = await client.PostAsJsonAsync("/v1/admission/settle", new { apiKey = "demo-key", leaseId, inputTokens = 3, outputTokens = 4, costUsd = 0.25 });
        var released = await client.PostAsJsonAsync("/v1/admission/release", new { apiKey = "demo-key", leaseId });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, settled.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, released.StatusCode);
        var usage = (await client.GetFromJsonAsync<JsonObject>("/admin/tenants/demo/usage"))!;
        Assert.Equal(7, usage["tokensLastMinute"]!.GetValue<int>());
        Assert.Equal(0.25m, usage["spendThisMonthUsd"]!.GetValue<decimal>());
        Assert.Equal(0, usage["activeLeases"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"apiKey": "nope", "modelGroup": "m", "reservedTokens": 1}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{"modelGroup": "m", "reservedTokens": 1}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{"apiKey": "consumer-a-key", "modelGroup": "consumer-b-model", "reservedTokens": 1}""", HttpStatusCode.Forbidden)]
    [InlineData("""{"apiKey": "demo-key", "reservedTokens": 1}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": "many"}""", HttpStatusCode.BadRequest)]
    [InlineData("[", HttpStatusCode.BadRequest)]
    public async Task Admission_input_errors_have_their_status(string json, HttpStatusCode expected)
    {
        await using var factory = new QuotaServiceFactory(server);

        var response = await factory.CreateClient().PostAsync("/v1/admission/admit", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": 2147483647}""")]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": 100000001}""")]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": 0}""")]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": -5}""")]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": 1, "leaseId": "sum"}""")]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": 1, "leaseId": "{t:other}:x"}""")]
    [InlineData("""{"apiKey": "demo-key", "modelGroup": "m", "reservedTokens": 1, "leaseTimeoutMs": 0}""")]
    public async Task An_admission_outside_the_bounds_is_a_400_and_charges_nothing(string json)
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        var (_, apiKey) = await CreateTenantAsync(client);

        var response = await client.PostAsync("/v1/admission/admit", new StringContent(json.Replace("demo-key", apiKey), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(-1, 0, 0, true)]
    [InlineData(0, 100_000_001, 0, true)]
    [InlineData(0, 0, -0.01, true)]
    [InlineData(0, 0, 1_000_000, true)]
    [InlineData(1, 1, 0, false)]
    public async Task A_settlement_outside_the_bounds_or_without_a_lease_id_is_a_400(long input, long output, decimal cost, bool withLeaseId)
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        var (id, apiKey) = await CreateTenantAsync(client);
        var leaseId = await AdmitLeaseAsync(client, apiKey);

        var response = await client.PostAsJsonAsync("/v1/admission/settle",
            new { apiKey, leaseId = withLeaseId ? leaseId : null, inputTokens = input, outputTokens = output, costUsd = cost });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var usage = (await client.GetFromJsonAsync<JsonObject>($"/admin/tenants/{id}/usage"))!;
        Assert.Equal(1, usage["activeLeases"]!.GetValue<int>());
        Assert.Equal(10, usage["tokensToday"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_forged_settlement_is_a_404_a_replay_a_409_and_neither_changes_usage()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        var (id, apiKey) = await CreateTenantAsync(client);
        var leaseId = await AdmitLeaseAsync(client, apiKey);

        var forged = await Settle(client, apiKey, Guid.NewGuid().ToString("N"), 1, 1, 1m);
        var settled = await Settle(client, apiKey, leaseId, 3, 4, 0.25m);
        var replayed = await Settle(client, apiKey, leaseId, 100, 100, 9m);
        var released = await client.PostAsJsonAsync("/v1/admission/release", new { apiKey, leaseId });

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NoContent, HttpStatusCode.Conflict, HttpStatusCode.Conflict],
            [forged.StatusCode, settled.StatusCode, replayed.StatusCode, released.StatusCode]);
        Assert.Equal("not_found", (await forged.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["type"]!.GetValue<string>());
        var usage = (await client.GetFromJsonAsync<JsonObject>($"/admin/tenants/{id}/usage"))!;
        Assert.Equal(7, usage["tokensLastMinute"]!.GetValue<int>());
        Assert.Equal(7, usage["tokensToday"]!.GetValue<int>());
        Assert.Equal(0.25m, usage["spendThisMonthUsd"]!.GetValue<decimal>());
        Assert.Equal(0, usage["activeLeases"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_caller_releases_the_lease_id_it_sent_when_the_admission_answer_never_came()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        var (id, apiKey) = await CreateTenantAsync(client, maxConcurrency: 1);

        // It landed: the release frees the slot.
        var landed = await client.PostAsJsonAsync("/v1/admission/admit", new { apiKey, modelGroup = "m", reservedTokens = 10, leaseId = "client-lease-1" });
        var releasedLanded = await client.PostAsJsonAsync("/v1/admission/release", new { apiKey, leaseId = "client-lease-1" });
        var next = await AdmitLeaseAsync(client, apiKey);
        // It had not landed: the release is a 404, and the admission can no longer land.
        var releasedFirst = await client.PostAsJsonAsync("/v1/admission/release", new { apiKey, leaseId = "client-lease-2" });
        var lateArrival = await client.PostAsJsonAsync("/v1/admission/admit", new { apiKey, modelGroup = "m", reservedTokens = 10, leaseId = "client-lease-2" });

        Assert.Equal("client-lease-1", (await landed.Content.ReadFromJsonAsync<JsonObject>())!["lease"]!["leaseId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, releasedLanded.StatusCode);
        Assert.NotNull(next);
        Assert.Equal(HttpStatusCode.NotFound, releasedFirst.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lateArrival.StatusCode);
        var usage = (await client.GetFromJsonAsync<JsonObject>($"/admin/tenants/{id}/usage"))!;
        Assert.Equal(2, usage["requestsLastMinute"]!.GetValue<int>());
        Assert.Equal(1, usage["activeLeases"]!.GetValue<int>());
    }

    [SingleRedisServerFact(TcpOutageProxy.SingleServerOnly)]
    public async Task A_settlement_the_store_cannot_take_is_a_503_and_safe_to_retry()
    {
        await using var proxy = new TcpOutageProxy(server.Port);
        await using var factory = new QuotaServiceFactory(server, connectionString: proxy.ConnectionString + ",abortConnect=false,connectRetry=1");
        var client = factory.CreateAdminClient();
        var (id, apiKey) = await CreateTenantAsync(client);
        var leaseId = await AdmitLeaseAsync(client, apiKey);

        proxy.Cut();
        var during = await Settle(client, apiKey, leaseId, 3, 4, 0.5m);
        proxy.Restore();
        HttpResponseMessage? retried = null;
        await Poll.UntilAsync(async () => (retried = await Settle(client, apiKey, leaseId, 3, 4, 0.5m)).StatusCode != HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(10), "the store never took the settlement");
        var again = await Settle(client, apiKey, leaseId, 3, 4, 0.5m);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("1", during.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.NoContent, retried!.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var usage = (await client.GetFromJsonAsync<JsonObject>($"/admin/tenants/{id}/usage"))!;
        Assert.Equal(0.5m, usage["spendThisMonthUsd"]!.GetValue<decimal>());
    }

    // Found by QuotaServiceFuzzTests: errors answered without a body (the binder's 415, routing's 404) were ProblemDetails.
    [Theory]
    [InlineData("/v1/admission/admit", "text/plain", HttpStatusCode.UnsupportedMediaType, "invalid_request_error")]
    [InlineData("/v1/admission/settle", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, "invalid_request_error")]
    [InlineData("/v1/admission/release", null, HttpStatusCode.UnsupportedMediaType, "invalid_request_error")]
    [InlineData("/v1/admission/no-such-endpoint", "application/json", HttpStatusCode.NotFound, "not_found")]
    public async Task An_error_without_a_body_of_its_own_is_still_an_api_error(string path, string? contentType, HttpStatusCode expected, string type)
    {
        await using var factory = new QuotaServiceFactory(server);
        var content = new ByteArrayContent("""{"apiKey": "demo-key", "leaseId": "lease-0001"}"""u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        var response = await factory.CreateClient().PostAsync(path, content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(["error"], error.Select(member => member.Key));
        Assert.Equal(type, error["error"]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["error"]!["message"]!.GetValue<string>()));
    }

    private static Task<HttpResponseMessage> Admit(HttpClient client, string apiKey, string modelGroup) =>
        client.PostAsJsonAsync("/v1/admission/admit", new { apiKey, modelGroup, reservedTokens = 10 });

    private static Task<HttpResponseMessage> Settle(HttpClient client, string apiKey, string leaseId, long input, long output, decimal cost) =>
        client.PostAsJsonAsync("/v1/admission/settle", new { apiKey, leaseId, inputTokens = input, outputTokens = output, costUsd = cost });

    private static async Task<string> AdmitLeaseAsync(HttpClient client, string apiKey)
    {
        var admitted = await Admit(client, apiKey, "m");
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        return (await admitted.Content.ReadFromJsonAsync<JsonObject>())!["lease"]!["leaseId"]!.GetValue<string>();
    }

    private static async Task<(string Id, string ApiKey)> CreateTenantAsync(HttpClient client, int? maxConcurrency = null)
    {
        var id = "api-" + Guid.NewGuid().ToString("N")[..12];
        var created = await client.PostAsJsonAsync("/admin/tenants", new { id, limits = new { requestsPerMinute = 100, maxConcurrency } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (id, (await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>());
    }
}
