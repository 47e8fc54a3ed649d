using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

[Trait("Category", "Redis")]
public sealed class AccessKeysApiTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task Access_key_pairs_are_issued_once_listed_without_secrets_and_revoked()
    {
        await using var factory = new QuotaServiceFactory(server);
        var client = factory.CreateAdminClient();
        (await client.PostAsJsonAsync("/admin/tenants", new { id = "sigv4-tenant" })).EnsureSuccessStatusCode();

        var issued = await client.PostAsync("/admin/tenants/sigv4-tenant/access-keys", null);

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = (await issued.Content.ReadFromJsonAsync<JsonObject>())!;
        var accessKeyId = body["accessKey"]!["accessKeyId"]!.GetValue<string>();
        var secret = body["secretAccessKey"]!.GetValue<string>();
        Assert.Matches("^SYAK[A-Z2-7]{16}$", accessKeyId);
        Assert.Equal(40, secret.Length);

        var listed = (await client.GetFromJsonAsync<JsonArray>("/admin/tenants/sigv4-tenant/access-keys"))!;
        var only = Assert.Single(listed)!.AsObject();
        Assert.Equal(accessKeyId, only["accessKeyId"]!.GetValue<string>());
        Assert.DoesNotContain(secret, listed.ToJsonString());

        // What the Router reads to verify a signature.
        var store = factory.Services.GetRequiredService<AccessKeyStore>();
        var pair = await store.FindAsync(accessKeyId);
        Assert.Equal(("sigv4-tenant", secret, true), (pair!.TenantId, pair.SecretAccessKey, pair.Active));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/admin/tenants/sigv4-tenant/access-keys/{accessKeyId}")).StatusCode);
        Assert.False((await store.FindAsync(accessKeyId))!.Active);
        Assert.NotNull((await client.GetFromJsonAsync<JsonArray>("/admin/tenants/sigv4-tenant/access-keys"))![0]!["revokedAt"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/admin/tenants/sigv4-tenant/access-keys/SYAKAAAAAAAAAAAAAAAA")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/admin/tenants/no-such-tenant/access-keys", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsync("/admin/tenants/sigv4-tenant/access-keys", null)).StatusCode);
    }
}
