using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Switchyard.Router.Routing.Strategies;

namespace Switchyard.Router.Configuration;

/// <summary>
/// Checks the routing table as a whole at start and on every reload: references between deployments,
/// groups and fallbacks, providers' own settings, strategy and trigger names, and value ranges.
/// Messages name the exact key at fault.
/// </summary>
public sealed class RoutingOptionsValidator(IEnumerable<IProviderSettingsValidator> providers) : IValidateOptions<RoutingOptions>
{
    private static readonly HashSet<string> Triggers = new(StringComparer.OrdinalIgnoreCase) { "throttled", "unavailable", "timeout", "context-window", "content-filtered" };

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var problems = new List<string>();
        var byName = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

        CheckAnnotations(options, "Routing", problems);
        CheckAnnotations(options.Retry, "Routing:Retry", problems);
        CheckAnnotations(options.CircuitBreaker, "Routing:CircuitBreaker", problems);
        CheckAnnotations(options.Timeouts, "Routing:Timeouts", problems);
        if (new ResponseTimeOptionsValidator().Validate("Routing:ResponseTime", options.ResponseTime) is { Failed: true } responseTime)
        {
            problems.AddRange(responseTime.Failures);
        }

        if (options.ResponseTime.FirstToken.Floor > options.ResponseTime.FirstToken.Ceiling)
        {
            problems.Add("Routing:ResponseTime:FirstToken:Floor must not be above its Ceiling.");
        }
        if (options.Retry.MaxDelayMs < options.Retry.BaseDelayMs)
        {
            problems.Add("Routing:Retry:MaxDelayMs must not be below BaseDelayMs.");
        }

        foreach (var (deploymentName, deployment) in options.Deployments)
        {
            CheckAnnotations(deployment, $"Routing:Deployments:{deploymentName}", problems);
            if (!byName.TryGetValue(deployment.Provider, out var provider))
            {
                problems.Add($"Routing:Deployments:{deploymentName}:Provider '{deployment.Provider}' is not one of: {string.Join(", ", byName.Keys)}.");
                continue;
            }

            problems.AddRange(provider.Validate(deploymentName, deployment));
            if (deployment.Rpm is < 1 || deployment.Tpm is < 1 || deployment.Weight < 1)
            {
                problems.Add($"Routing:Deployments:{deploymentName}: Rpm, Tpm and Weight must be at least 1 when set.");
            }
        }

        if (options.ModelGroups.Count == 0)
        {
            problems.Add("Routing:ModelGroups is empty: clients would have no model to ask for.");
        }

        foreach (var (groupName, group) in options.ModelGroups)
        {
            var key = $"Routing:ModelGroups:{groupName}";
            if (group.Deployments.Count == 0)
            {
                problems.Add($"{key}:Deployments is empty.");
            }

            problems.AddRange(group.Deployments.Where(d => !options.Deployments.ContainsKey(d))
                .Select(d => $"{key}:Deployments names '{d}', which is not under Routing:Deployments."));
            if (!RoutingStrategyCatalog.Names.Contains(group.Strategy, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{key}:Strategy '{group.Strategy}' is not one of: {string.Join(", ", RoutingStrategyCatalog.Names)}.");
            }

            foreach (var fallback in group.Fallbacks)
            {
                if (!options.ModelGroups.ContainsKey(fallback.Group) || fallback.Group == groupName)
                {
                    problems.Add($"{key}:Fallbacks names group '{fallback.Group}', which is not another configured model group.");
                }

                problems.AddRange(fallback.On.Where(t => !Triggers.Contains(t))
                    .Select(t => $"{key}:Fallbacks trigger '{t}' is not one of: {string.Join(", ", Triggers)}."));
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckAnnotations(object instance, string path, List<string> problems)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            problems.AddRange(results.Select(r => $"{path}: {r.ErrorMessage}"));
        }
    }
}
