using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Switchyard.Admission;

public static class AdmissionServiceCollectionExtensions
{
    /// <summary>
    /// Tenant admission (<see cref="ITenantAdmission"/>) and administration (<see cref="TenantStore"/>)
    /// over the registered <c>IConnectionMultiplexer</c>, with options from the "Admission" section,
    /// validated at start. Metrics use the host's <c>IMeterFactory</c> (every .NET host registers one).
    /// </summary>
    public static IServiceCollection AddTenantAdmission(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdmissionOptions>().Bind(configuration.GetSection(AdmissionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoreGate>();
        services.TryAddSingleton<AdmissionTelemetry>();
        services.TryAddSingleton<TenantDirectory>();
        services.TryAddSingleton<LocalFallbackLimiter>();
        services.TryAddSingleton<LocalAdmissionReconciler>();
        services.TryAddSingleton<SettlementBatcher>();
        services.TryAddSingleton<LeaseFinisher>();
        services.TryAddSingleton<AdmissionBlocks>();
        services.TryAddSingleton<ITenantAdmission, RedisTenantAdmission>();
        services.TryAddSingleton<TenantStore>();
        services.TryAddSingleton<AccessKeyStore>();
        services.AddHostedService<AdmissionStartup>();
        return services;
    }
}
