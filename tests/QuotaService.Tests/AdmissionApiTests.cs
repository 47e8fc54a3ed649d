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

    private static Task<HttpResponseMessage> Admit(HttpClient client, string apiKey, string modelGroup) =>
        client.PostAsJsonAsync("/v1/admission/admit", new { apiKey, modelGroup, reservedTokens = 10 });
}
