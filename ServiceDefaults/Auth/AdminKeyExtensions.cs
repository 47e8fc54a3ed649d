using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchyard.ServiceDefaults.Auth;

/// <summary>The admin key of every service: validated at start, checked by one <see cref="AdminKeyFilter"/>.</summary>
public static class AdminKeyExtensions
{
    /// <summary>
    /// Binds and validates "Quotas:AdminKey" (the service fails to start without a key of at least
    /// <see cref="AdminKeyOptions.MinimumLength"/> characters) and registers the filter, which answers a missing or
    /// wrong key with <paramref name="unauthorized"/>: a 401 in the service's own error shape.
    /// </summary>
    public static IServiceCollection AddAdminKey(this IServiceCollection services, Func<IResult> unauthorized)
    {
        services.AddOptions<AdminKeyOptions>().BindConfiguration(AdminKeyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminKeyOptions>, AdminKeyOptionsValidator>();
        services.AddSingleton(provider => new AdminKeyFilter(provider.GetRequiredService<IOptions<AdminKeyOptions>>(), unauthorized));
        return services;
    }

    /// <summary>Puts the endpoints behind the admin key (<see cref="AddAdminKey"/> registers it).</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var filter = context.ApplicationServices.GetRequiredService<AdminKeyFilter>();
            return invocation => filter.InvokeAsync(invocation, next);
        });
}
