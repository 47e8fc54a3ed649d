using Microsoft.AspNetCore.Http.HttpResults;
using Switchyard.Admission;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.QuotaService.Apis;

/// <summary>Tenant administration under /admin, behind the admin key.</summary>
public static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").RequireAdminKey();
        admin.MapPost("/reset-usage", async (TenantStore store) =>
        {
            await store.ResetAllUsageAsync();
            return TypedResults.NoContent();
        });

        var tenants = admin.MapGroup("/tenants");
        tenants.MapGet("/", async (TenantStore store) => TypedResults.Ok((await store.ListAsync()).Select(TenantView.From).ToList()));
        tenants.MapGet("/{id}", async Task<Results<Ok<TenantView>, JsonHttpResult<ApiError>>> (string id, TenantStore store) =>
            await store.GetAsync(id) is { } record ? TypedResults.Ok(TenantView.From(record)) : ApiError.NotFound($"Tenant {id}"));
        tenants.MapPost("/", CreateAsync);
        tenants.MapPut("/{id}", UpdateAsync);
        tenants.MapDelete("/{id}", async Task<Results<NoContent, JsonHttpResult<ApiError>>> (string id, TenantStore store) =>
            await store.DeleteAsync(id) ? TypedResults.NoContent() : ApiError.NotFound($"Tenant {id}"));
        tenants.MapPost("/{id}/keys", async Task<Results<Created<IssuedKey>, JsonHttpResult<ApiError>>> (string id, TenantStore store) =>
            await store.IssueKeyAsync(id) is ({ } key, { } apiKey)
                ? TypedResults.Created($"/admin/tenants/{id}", new IssuedKey(KeyView.From(key), apiKey))
                : ApiError.NotFound($"Tenant {id}"));
        tenants.MapDelete("/{id}/keys/{key}", RevokeKeyAsync);
        tenants.MapGet("/{id}/usage", async Task<Results<Ok<TenantUsage>, JsonHttpResult<ApiError>>> (string id, TenantStore store) =>
            await store.GetUsageAsync(id) is { } usage ? TypedResults.Ok(usage) : ApiError.NotFound($"Tenant {id}"));
        tenants.MapPost("/{id}/reset-usage", async Task<Results<NoContent, JsonHttpResult<ApiError>>> (string id, TenantStore store) =>
            await store.ResetUsageAsync(id) ? TypedResults.NoContent() : ApiError.NotFound($"Tenant {id}"));
        return endpoints;
    }

    private static async Task<Results<Created<CreatedTenant>, JsonHttpResult<ApiError>>> CreateAsync(TenantDefinition definition, TenantStore store)
    {
        if (definition.Validate() is { Count: > 0 } errors)
        {
            return ApiError.Invalid(errors);
        }

        return await store.CreateAsync(definition) is ({ } record, { } apiKey)
            ? TypedResults.Created($"/admin/tenants/{definition.Id}", new CreatedTenant(TenantView.From(record), apiKey))
            : ApiError.Result(StatusCodes.Status409Conflict, "conflict", $"Tenant {definition.Id} already exists.");
    }

    private static async Task<Results<Ok<TenantView>, JsonHttpResult<ApiError>>> UpdateAsync(string id, TenantDefinition definition, TenantStore store)
    {
        if (definition.Id != id)
        {
            return ApiError.Invalid([$"The body's id {definition.Id} is not the route's {id}."]);
        }

        if (definition.Validate() is { Count: > 0 } errors)
        {
            return ApiError.Invalid(errors);
        }

        return await store.UpdateAsync(definition) is { } record ? TypedResults.Ok(TenantView.From(record)) : ApiError.NotFound($"Tenant {id}");
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> RevokeKeyAsync(string id, string key, TenantStore store) =>
        await store.RevokeKeyAsync(id, key) switch
        {
            KeyRevocation.Revoked => TypedResults.NoContent(),
            KeyRevocation.TenantNotFound => ApiError.NotFound($"Tenant {id}"),
            _ => ApiError.NotFound($"Key {key} (an id, or a prefix matching exactly one key) of tenant {id}"),
        };
}
