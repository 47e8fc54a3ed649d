using Microsoft.AspNetCore.Http.HttpResults;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Apis;

/// <summary>Operator endpoints, guarded by the admin key (configuration "Quotas:AdminKey", shared with the QuotaService).</summary>
public static class RouterAdminApi
{
    public static IEndpointRouteBuilder MapRouterAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(RequireAdminKey).WithTags("Admin");
        admin.MapPost("/reset", ResetAsync);
        admin.MapGet("/deployments", ListDeployments);
        return app;
    }

    /// <summary>Empties capacity windows and closes every breaker, so scenarios start from a clean slate.</summary>
    private static async Task<NoContent> ResetAsync(RoutingTableProvider tables, CapacityLimiter capacity, SharedCircuitBreakers sharedBreakers)
    {
        await capacity.ResetAsync(tables.States.Keys);
        sharedBreakers.Clear();
        foreach (var state in tables.States.Values)
        {
            await state.ResetAsync();
        }

        return TypedResults.NoContent();
    }

    private static Ok<DeploymentStatus[]> ListDeployments(RoutingTableProvider tables) =>
        TypedResults.Ok(tables.Current.Groups.Values.SelectMany(g => g.Deployments).Distinct()
            .Select(d => new DeploymentStatus(d.Name, d.Provider.Name, d.Options.Account, d.Options.Region, d.Options.Model,
                d.State.BreakerState.ToString(), d.State.InFlight, double.IsNaN(d.State.TimeToFirstTokenMs) ? null : d.State.TimeToFirstTokenMs))
            .ToArray());

    private static async ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var expected = http.RequestServices.GetRequiredService<IConfiguration>()["Quotas:AdminKey"];
        var given = http.Request.Headers.Authorization.ToString() is { Length: > 7 } bearer && bearer.StartsWith("Bearer ", StringComparison.Ordinal)
            ? bearer[7..]
            : http.Request.Headers["x-admin-key"].ToString();
        if (string.IsNullOrEmpty(expected) || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected)))
        {
            return new OpenAI.OpenAIErrorResult(401, new OpenAI.ErrorDetail { Message = "A valid admin key is required.", Type = "invalid_request_error", Code = "invalid_admin_key" });
        }

        return await next(context);
    }

    public sealed record DeploymentStatus(string Name, string Provider, string Account, string? Region, string Model, string Breaker, int InFlight, double? TimeToFirstTokenMs);
}
