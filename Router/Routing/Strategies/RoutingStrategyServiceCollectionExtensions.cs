using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Switchyard.Router.Routing.Strategies;

public static class RoutingStrategyServiceCollectionExtensions
{
    /// <summary>The built-in strategies as singletons and the registry that resolves a group's strategy by name.</summary>
    public static IServiceCollection AddRoutingStrategies(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, PriorityStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, RoundRobinStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, WeightedShuffleStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, LeastBusyStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, LowestLatencyStrategy>());
        // The rate is the current table's: the strategy outlives every reload, the table does not.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, LatencyAwareStrategy>(sp =>
            new LatencyAwareStrategy(() => sp.GetRequiredService<RoutingTableProvider>().Current.Options.ResponseTime.ExplorationRate)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, MostRemainingCapacityStrategy>());
        services.TryAddSingleton<RoutingStrategyRegistry>();
        return services;
    }
}
