using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing.Strategies;

namespace Switchyard.Router.Routing;

/// <summary>
/// Builds the <see cref="RoutingTable"/> from options and rebuilds it on every configuration change
/// (hot reload): in-flight requests finish on their snapshot; breaker and load state carry over by
/// deployment name, strategy state (round-robin's position) by group name. A change that fails
/// validation is logged and ignored, keeping the last good table (IOptionsMonitor would throw from the
/// reload callback instead, so reloads are handled here).
/// </summary>
public sealed partial class RoutingTableProvider : IDisposable
{
    private readonly IReadOnlyDictionary<string, IProvider> _providers;
    private readonly RoutingStrategyRegistry _strategies;
    private readonly SharedCircuitBreakers _sharedBreakers;
    private readonly ILogger<RoutingTableProvider> _logger;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, DeploymentState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelGroupState> _groupStates = new(StringComparer.Ordinal);
    private readonly IDisposable? _subscription;
    private volatile RoutingTable _current;

    public RoutingTableProvider(
        IOptions<RoutingOptions> options,
        IConfiguration configuration,
        IEnumerable<IValidateOptions<RoutingOptions>> validators,
        IEnumerable<IProvider> providers,
        RoutingStrategyRegistry strategies,
        SharedCircuitBreakers sharedBreakers,
        ILogger<RoutingTableProvider> logger,
        TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _providers = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        _strategies = strategies;
        _sharedBreakers = sharedBreakers;
        _logger = logger;
        _current = Build(options.Value);
        IReadOnlyList<IValidateOptions<RoutingOptions>> all = [.. validators];
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload(configuration, all));
    }

    public RoutingTable Current => _current;

    /// <summary>Live state of every deployment ever configured, for the breaker board and metrics.</summary>
    public IReadOnlyDictionary<string, DeploymentState> States => _states;

    private void Reload(IConfiguration configuration, IReadOnlyList<IValidateOptions<RoutingOptions>> validators)
    {
        var options = new RoutingOptions();
        configuration.GetSection(RoutingOptions.SectionName).Bind(options);
        var failures = validators.Select(v => v.Validate(null, options)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []).ToList();
        if (failures.Count > 0)
        {
            LogChangeInvalid(string.Join("; ", failures));
            return;
        }

        try
        {
            _current = Build(options);
            LogReloaded(options.ModelGroups.Count, options.Deployments.Count);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            // A bad edit must not take the Router down: keep serving the last good table.
            LogChangeFailed(e);
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
                _groupStates.GetOrAdd(pair.Key, name => new ModelGroupState(name)),
                [.. pair.Value.Deployments.Select(name => deployments[name])],
                _strategies.Resolve(pair.Value.Strategy),
                [.. pair.Value.Fallbacks.Select(f => new Fallback(f.Group, (f.On.Count == 0 ? FallbackTrigger.Default : f.On.Select(FallbackTrigger.Parse)).ToHashSet()))],
                pair.Value.ContinueStreams),
            StringComparer.Ordinal);

        return new RoutingTable(groups, options);
    }

    public void Dispose() => _subscription?.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing configuration change rejected, keeping the previous routing table: {Failures}")]
    private partial void LogChangeInvalid(string failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing table reloaded: {Groups} model groups, {Deployments} deployments")]
    private partial void LogReloaded(int groups, int deployments);

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing configuration change rejected; keeping the previous routing table")]
    private partial void LogChangeFailed(Exception exception);
}
