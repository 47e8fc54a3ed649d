using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchyard.ServiceDefaults.Auth;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

[Trait("Category", "Redis")]
public sealed class TenantsApiTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("Bearer", "wrong-key-wrong-key")]
    [InlineData("x-admin-key", "wrong-key-wrong-key")]
    [InlineData("x-admin-key", "TEST-ADMIN-KEY-0123456789")]
    [InlineData("Bearer", QuotaServiceFactory.AdminKey + "x")]
    [InlineData("Bearer", "test-admin-key-012345678")]
    public async Task Admin_endpoints_refuse_a_missing_or_wrong_key(string? scheme, string? key)
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateClient();
        if (scheme == "Bearer")
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }
        else if (scheme is not null)
        {
            client.DefaultRequestHeaders.Add(scheme, key);
        }

        var response = await client.GetAsync("/admin/tenants");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("authentication_error", error["type"]!.GetValue<string>());
        Assert.Equal(AdminKeyFilter.Requirement, error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_admin_key_is_accepted_in_x_admin_key_and_the_demo_tenants_are_seeded()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("x-admin-key", QuotaServiceFactory.AdminKey);

        var tenants = await client.GetFromJsonAsync<JsonArray>("/admin/tenants");
        var consumerA = await client.GetFromJsonAsync<JsonObject>("/admin/tenants/consumer-a");

        Assert.Subset(tenants!.Select(t => t!["tenant"]!["id"]!.GetValue<string>()).ToHashSet(), new HashSet<string> { "demo", "consumer-a", "consumer-b", "consumer-c" });
        Assert.Equal(3, consumerA!["tenant"]!["limits"]!["requestsPerMinute"]!.GetValue<int>());
        Assert.Equal("interactive", consumerA["tenant"]!["tier"]!.GetValue<string>());
        Assert.Equal("consumer-a-model", consumerA["tenant"]!["allowedModelGroups"]![0]!.GetValue<string>());
        Assert.Null(consumerA["keys"]![0]!["hash"]);
    }

    [Fact]
    public async Task Tenants_are_created_read_updated_rotated_revoked_and_deleted()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();

        var created = await client.PostAsJsonAsync("/admin/tenants", new { id = "crud-tenant", displayName = "CRUD", limits = new { requestsPerMinute = 2 }, tier = "batch" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var firstKey = body["apiKey"]!.GetValue<string>();
        Assert.StartsWith("sk-sy-", firstKey);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/admin/tenants", new { id = "crud-tenant" })).StatusCode);

        var updated = await client.PutAsJsonAsync("/admin/tenants/crud-tenant", new { id = "crud-tenant", limits = new { requestsPerMinute = 5, maxConcurrency = 20 } });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var read = await client.GetFromJsonAsync<JsonObject>("/admin/tenants/crud-tenant");
        Assert.Equal(5, read!["tenant"]!["limits"]!["requestsPerMinute"]!.GetValue<int>());

        var rotated = await client.PostAsync("/admin/tenants/crud-tenant/keys", null);
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var secondKey = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await Admit(client, firstKey, "any")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admit(client, secondKey, "any")).StatusCode);

        var firstPrefix = body["tenant"]!["keys"]![0]!["prefix"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/admin/tenants/crud-tenant/keys/{firstPrefix}")).StatusCode);
        // Revocation is published; every process (this one included) drops the key within moments.
        await Poll.UntilAsync(async () => (await Admit(client, firstKey, "any")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(1), "the revoked key still works");

        Assert.Equal(HttpStatusCode.OK, (await Admit(client, secondKey, "any")).StatusCode);

        var usage = await client.GetFromJsonAsync<JsonObject>("/admin/tenants/crud-tenant/usage");
        Assert.InRange(usage!["requestsLastMinute"]!.GetValue<int>(), 3, 5);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/admin/tenants/crud-tenant/reset-usage", null)).StatusCode);
        usage = await client.GetFromJsonAsync<JsonObject>("/admin/tenants/crud-tenant/usage");
        Assert.Equal(0, usage!["requestsLastMinute"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/admin/tenants/crud-tenant")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/admin/tenants/crud-tenant")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/admin/tenants/crud-tenant")).StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"displayName": "no id"}""")]
    [InlineData("""{"id": "Bad{Id}"}""")]
    [InlineData("""{"id": "ok", "tier": "gold"}""")]
    [InlineData("""{"id": "ok", "limits": {"requestsPerMinute": -1}}""")]
    [InlineData("""{"id": "ok", "limits": {"tokensPerMinute": 1000000000000001}}""")]
    [InlineData("""{"id": "ok", "limits": {"dailyTokenBudget": 9223372036854775807}}""")]
    [InlineData("""{"id": "ok", "limits": {"monthlySpendBudgetUsd": 1000000001}}""")]
    public async Task Bad_tenant_input_is_a_400_not_a_500(string json)
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();

        var response = await client.PostAsync("/admin/tenants", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("fifteen-chars-k")]
    public void The_service_does_not_start_without_an_admin_key_of_16_characters(string adminKey)
    {
        using var factory = new QuotaServiceFactory(server, adminKey);

        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("AdminKey", failure.Message);
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + QuotaServiceFactory.AdminKey)]
    [InlineData("Authorization", "bearer " + QuotaServiceFactory.AdminKey)]
    [InlineData("x-admin-key", QuotaServiceFactory.AdminKey)]
    public async Task The_admin_key_is_taken_as_a_bearer_token_or_in_x_admin_key(string header, string value)
    {
        await using var factory = new QuotaServiceFactory(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/tenants");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> Admit(HttpClient client, string apiKey, string modelGroup) =>
        client.PostAsJsonAsync("/v1/admission/admit", new { apiKey, modelGroup, reservedTokens = 10 });
}
