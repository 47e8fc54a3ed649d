using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing.Strategies;

namespace Switchyard.Router.Routing;

/// <summary>An immutable snapshot of the routing configuration. Requests hold the snapshot they started with.</summary>
public sealed class RoutingTable(IReadOnlyDictionary<string, ModelGroup> groups, RoutingOptions options)
{
    public IReadOnlyDictionary<string, ModelGroup> Groups { get; } = groups;

    public RoutingOptions Options { get; } = options;
}

/// <summary>
/// Builds the <see cref="RoutingTable"/> from options and rebuilds it on every configuration change
/// (hot reload): in-flight requests finish on their snapshot; breaker and load state carry over by
/// deployment name. A change that fails validation is logged and ignored, keeping the last good table
/// (IOptionsMonitor would throw from the reload callback instead, so reloads are handled here).
/// </summary>
public sealed class RoutingTableProvider : IDisposable
{
    private readonly IReadOnlyDictionary<string, IProvider> _providers;
    private readonly SharedCircuitBreakers _sharedBreakers;
    private readonly ILogger<RoutingTableProvider> _logger;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, DeploymentState> _states = new(StringComparer.Ordinal);
    private readonly IDisposable? _subscription;
    private volatile RoutingTable _current;

    public RoutingTableProvider(
        IOptions<RoutingOptions> options,
        IConfiguration configuration,
        IValidateOptions<RoutingOptions> validator,
        IEnumerable<IProvider> providers,
        SharedCircuitBreakers sharedBreakers,
        ILogger<RoutingTableProvider> logger,
        TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _providers = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        _sharedBreakers = sharedBreakers;
        _logger = logger;
        _current = Build(options.Value);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload(configuration, validator));
    }

    public RoutingTable Current => _current;

    /// <summary>Live state of every deployment ever configured, for the breaker board and metrics.</summary>
    public IReadOnlyDictionary<string, DeploymentState> States => _states;

    private void Reload(IConfiguration configuration, IValidateOptions<RoutingOptions> validator)
    {
        var options = new RoutingOptions();
        configuration.GetSection(RoutingOptions.SectionName).Bind(options);
        if (validator.Validate(null, options) is { Failed: true } invalid)
        {
            _logger.LogError("Routing configuration change rejected, keeping the previous routing table: {Failures}", invalid.FailureMessage);
            return;
        }

        try
        {
            _current = Build(options);
            _logger.LogInformation("Routing table reloaded: {Groups} model groups, {Deployments} deployments", options.ModelGroups.Count, options.Deployments.Count);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            // A bad edit must not take the Router down: keep serving the last good table.
            _logger.LogError(e, "Routing configuration change rejected; keeping the previous routing table");
        }
    }

    private RoutingTable Build(RoutingOptions options)
    {
        var deployments = options.Deployments.ToDictionary(
            pair => pair.Key,
            pair =>
            {
                var provider = _providers[pair.Value.Provider];
                var state = _states.GetOrAdd(pair.Key, name => new DeploymentState(name, options.CircuitBreaker, _sharedBreakers.Publish, _clock, options.ResponseTime.Window));
                return new Deployment(pair.Key, pair.Value, provider, new ProviderBoundaryChatClient(provider.CreateClient(pair.Value)), state);
            },
            StringComparer.Ordinal);

        var groups = options.ModelGroups.ToDictionary(
            pair => pair.Key,
            pair => new ModelGroup(
                pair.Key,
                [.. pair.Value.Deployments.Select(name => deployments[name])],
                RoutingStrategyCatalog.Create(pair.Value.Strategy, options.ResponseTime),
                [.. pair.Value.Fallbacks.Select(f => new Fallback(f.Group, f.On.ToHashSet(StringComparer.OrdinalIgnoreCase)))],
                pair.Value.ContinueStreams),
            StringComparer.Ordinal);

        return new RoutingTable(groups, options);
    }

    public void Dispose() => _subscription?.Dispose();
}
