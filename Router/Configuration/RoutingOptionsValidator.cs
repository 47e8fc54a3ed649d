using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchyard.Router.Configuration;

/// <summary>
/// Checks the routing table as a whole at start and on every reload: references between deployments,
/// groups and fallbacks, trigger names, and value ranges. Messages name the exact key at fault. What only
/// the routing core knows by name (providers and their settings, strategies) is checked beside it by
/// <c>Routing.RoutingTableValidator</c>.
/// </summary>
public sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var problems = new List<string>();

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
            foreach (var fallback in group.Fallbacks)
            {
                if (!options.ModelGroups.ContainsKey(fallback.Group) || fallback.Group == groupName)
                {
                    problems.Add($"{key}:Fallbacks names group '{fallback.Group}', which is not another configured model group.");
                }

                problems.AddRange(fallback.On.Where(t => !FallbackTrigger.TryParse(t, out _))
                    .Select(t => $"{key}:Fallbacks trigger '{t}' is not one of: {FallbackTrigger.KnownNames}."));
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
