using Microsoft.Extensions.Options;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing.Strategies;

namespace Switchyard.Router.Routing;

/// <summary>
/// Checks, at start and on every reload, what <see cref="RoutingTableProvider"/> resolves by name when it
/// builds a table: each deployment's provider (and that provider's own settings) and each group's strategy.
/// The rest of the table is <see cref="RoutingOptionsValidator"/>'s; the options framework reports both.
/// </summary>
public sealed class RoutingTableValidator(IEnumerable<IProvider> providers, RoutingStrategyRegistry strategies) : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var problems = new List<string>();
        var byName = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (deploymentName, deployment) in options.Deployments)
        {
            if (byName.TryGetValue(deployment.Provider, out var provider))
            {
                problems.AddRange(provider.Validate(deploymentName, deployment));
            }
            else
            {
                problems.Add($"Routing:Deployments:{deploymentName}:Provider '{deployment.Provider}' is not one of: {string.Join(", ", byName.Keys)}.");
            }
        }

        problems.AddRange(options.ModelGroups.Where(group => !strategies.Contains(group.Value.Strategy))
            .Select(group => $"Routing:ModelGroups:{group.Key}:Strategy '{group.Value.Strategy}' is not one of: {string.Join(", ", strategies.Names)}."));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
