using Microsoft.AspNetCore.Http.HttpResults;
using Switchyard.Router.Routing;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.Router.Apis;

/// <summary>Operator endpoints, behind the admin key every service shares ("Quotas:AdminKey", <see cref="AdminKeyFilter"/>).</summary>
public static class RouterAdminApi
{
    public static IEndpointRouteBuilder MapRouterAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAdminKey().WithTags("Admin");
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

    public sealed record DeploymentStatus(string Name, string Provider, string Account, string? Region, string Model, string Breaker, int InFlight, double? TimeToFirstTokenMs);
}
