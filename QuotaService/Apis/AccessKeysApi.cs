using Microsoft.AspNetCore.Http.HttpResults;
using Switchyard.Admission;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.QuotaService.Apis;

/// <summary>
/// A tenant's SigV4 access key pairs under /admin/tenants/{id}/access-keys, behind the admin key: issue
/// (the secret is in this one answer only), list (ids and dates, never secrets) and revoke.
/// </summary>
public static class AccessKeysApi
{
    public static IEndpointRouteBuilder MapAccessKeysApi(this IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapGroup("/admin/tenants/{id}/access-keys").RequireAdminKey();
        keys.MapPost("/", async Task<Results<Created<IssuedAccessKey>, JsonHttpResult<ApiError>>> (string id, AccessKeyStore store) =>
            await store.IssueAsync(id) is { } pair
                ? TypedResults.Created($"/admin/tenants/{id}/access-keys", new IssuedAccessKey(AccessKeyView.From(pair), pair.SecretAccessKey))
                : ApiError.NotFound($"Tenant {id}"));
        keys.MapGet("/", async Task<Results<Ok<List<AccessKeyView>>, JsonHttpResult<ApiError>>> (string id, AccessKeyStore store) =>
            await store.ListAsync(id) is { } pairs ? TypedResults.Ok(pairs.Select(AccessKeyView.From).ToList()) : ApiError.NotFound($"Tenant {id}"));
        keys.MapDelete("/{accessKeyId}", async Task<Results<NoContent, JsonHttpResult<ApiError>>> (string id, string accessKeyId, AccessKeyStore store) =>
            await store.RevokeAsync(id, accessKeyId) switch
            {
                KeyRevocation.Revoked => TypedResults.NoContent(),
                KeyRevocation.TenantNotFound => ApiError.NotFound($"Tenant {id}"),
                _ => ApiError.NotFound($"Access key {accessKeyId} of tenant {id}"),
            });
        return endpoints;
    }
}
