using System.Text.Json.Serialization;
using StackExchange.Redis;
using Switchyard.Admission;
using Switchyard.QuotaService.Apis;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.QuotaService;

public static class QuotaServiceExtensions
{
    /// <summary>Redis ("cache"), tenant admission and administration, the admin key (required at start) and seeding.</summary>
    public static IHostApplicationBuilder AddQuotaService(this IHostApplicationBuilder builder)
    {
        // Fail fast while disconnected: a timed-out admission must not land later, after a local decision.
        builder.AddRedisClient("cache", configureOptions: options => options.BacklogPolicy = BacklogPolicy.FailFast);
        var services = builder.Services;
        services.AddTenantAdmission(builder.Configuration);
        services.AddAdminKey(() => ApiError.Result(StatusCodes.Status401Unauthorized, "authentication_error", AdminKeyFilter.Requirement));
        services.AddHostedService<TenantSeeder>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Unreadable bodies reach ApiExceptionHandler in every environment, so they get the same JSON error.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, QuotaJsonContext.Default);
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        return builder;
    }
}
