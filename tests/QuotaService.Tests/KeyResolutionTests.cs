using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

[Trait("Category", "Redis")]
public sealed class KeyResolutionTests(RedisTestServer server) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task Keys_resolve_to_their_tenant_and_unknown_keys_do_not()
    {
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString);
        var (tenant, apiKey) = await router.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 5 });

        var found = await router.Admission.ResolveKeyAsync(apiKey, default);
        var unknown = await router.Admission.ResolveKeyAsync("sk-sy-not-a-key", default);

        Assert.Equal(KeyStatus.Found, found.Status);
        Assert.Equal(tenant.Id, found.Tenant!.Id);
        Assert.Equal(tenant.Limits, found.Tenant.Limits);
        Assert.Same(KeyResolution.Unknown, unknown);
    }

    [Fact]
    public async Task Rotation_keeps_the_old_key_until_revoked_and_revocation_reaches_every_replica_within_a_second()
    {
        // Long cache TTL: only the published change can make the other replica forget the key.
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.KeyCacheTtl = TimeSpan.FromMinutes(5));
        var (tenant, oldKey) = await admin.CreateTenantAsync(new TenantLimits());
        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(oldKey, default)).Status);

        var (issued, newKey) = (await admin.Store.IssueKeyAsync(tenant.Id))!.Value;
        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(newKey, default)).Status);
        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(oldKey, default)).Status);

        var oldKeyId = ApiKeys.Hash(oldKey)[..12];
        Assert.Equal(KeyRevocation.Revoked, await admin.Store.RevokeKeyAsync(tenant.Id, oldKeyId));
        await Poll.UntilAsync(async () => (await router.Admission.ResolveKeyAsync(oldKey, default)).Status == KeyStatus.Revoked,
            TimeSpan.FromSeconds(1), "the revocation did not reach the other replica within a second");

        Assert.Equal(KeyStatus.Found, (await router.Admission.ResolveKeyAsync(newKey, default)).Status);
        var record = await admin.Store.GetAsync(tenant.Id);
        Assert.Equal([false, true], record!.Keys.Select(k => k.Active));
        Assert.Equal(issued.Id, record.Keys[1].Id);
        Assert.Equal(KeyRevocation.KeyNotFound, await admin.Store.RevokeKeyAsync(tenant.Id, "no-such-key"));
    }

    [Fact]
    public async Task A_definition_change_and_a_deletion_reach_cached_replicas()
    {
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        await using var router = await AdmissionClient.StartAsync(server.ConnectionString, o => o.KeyCacheTtl = TimeSpan.FromMinutes(5));
        var (tenant, apiKey) = await admin.CreateTenantAsync(new TenantLimits { RequestsPerMinute = 5 });
        Assert.Equal(5, (await router.Admission.ResolveKeyAsync(apiKey, default)).Tenant!.Limits.RequestsPerMinute);

        await admin.Store.UpdateAsync(tenant with { Limits = new TenantLimits { RequestsPerMinute = 7 }, Tier = TenantTier.Batch });
        await Poll.UntilAsync(async () => (await router.Admission.ResolveKeyAsync(apiKey, default)).Tenant?.Limits.RequestsPerMinute == 7,
            TimeSpan.FromSeconds(1), "the change did not reach the other replica within a second");
        Assert.Equal(TenantTier.Batch, (await router.Admission.ResolveKeyAsync(apiKey, default)).Tenant!.Tier);

        Assert.True(await admin.Store.DeleteAsync(tenant.Id));
        await Poll.UntilAsync(async () => (await router.Admission.ResolveKeyAsync(apiKey, default)).Status == KeyStatus.Unknown,
            TimeSpan.FromSeconds(1), "the deletion did not reach the other replica within a second");
        Assert.Null(await admin.Store.GetAsync(tenant.Id));
    }

    [Fact]
    public async Task Seeding_is_idempotent_and_keeps_keys_added_since()
    {
        await using var admin = await AdmissionClient.StartAsync(server.ConnectionString);
        var definition = new TenantDefinition { Id = "seeded-" + Guid.NewGuid().ToString("N")[..8], Limits = new TenantLimits { RequestsPerMinute = 3 } };

        await admin.Store.UpsertAsync(definition, ["seed-key-1"]);
        await admin.Store.IssueKeyAsync(definition.Id);
        var again = await admin.Store.UpsertAsync(definition with { DisplayName = "Seeded" }, ["seed-key-1"]);

        Assert.Equal(2, again.Keys.Count);
        Assert.Equal("Seeded", (await admin.Store.GetAsync(definition.Id))!.Definition.DisplayName);
        Assert.Contains(definition.Id, (await admin.Store.ListAsync()).Select(r => r.Definition.Id));
        Assert.Equal(KeyStatus.Found, (await admin.Admission.ResolveKeyAsync("seed-key-1", default)).Status);
        // A brace would break the tenant's hash tag.
        await Assert.ThrowsAsync<ArgumentException>(() => admin.Store.UpsertAsync(new TenantDefinition { Id = "bad{id}" }, []));
    }
}
