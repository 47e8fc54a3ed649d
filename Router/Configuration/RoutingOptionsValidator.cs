using Microsoft.Extensions.Options;

namespace Switchyard.Router.Configuration;

/// <summary>
/// Checks the routing table as a whole at start and on every reload: value ranges (the generated
/// annotation validators), the rules between fields that annotations cannot express, and references between
/// deployments, groups and fallbacks and trigger names. Messages name the exact key at fault. What only
/// the routing core knows by name (providers and their settings, strategies) is checked beside it by
/// <c>Routing.RoutingTableValidator</c>.
/// </summary>
public sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    private readonly RoutingOptionsRangeValidator _ranges = new();
    private readonly DeploymentOptionsRangeValidator _deploymentRanges = new();

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var problems = new List<string>();

        // The generated validators name a member by the path they are given, so the section's key goes in.
        AddFailures(_ranges.Validate(RoutingOptions.SectionName, options), problems);
        foreach (var (deploymentName, deployment) in options.Deployments)
        {
            AddFailures(_deploymentRanges.Validate($"{RoutingOptions.SectionName}:Deployments:{deploymentName}", deployment), problems);
        }

        if (options.ResponseTime.FirstToken.Floor > options.ResponseTime.FirstToken.Ceiling)
        {
            problems.Add("Routing:ResponseTime:FirstToken:Floor must not be above its Ceiling.");
        }
        if (options.Retry.MaxDelay < options.Retry.BaseDelay)
        {
            problems.Add("Routing:Retry:MaxDelay must not be below BaseDelay.");
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

    private static void AddFailures(ValidateOptionsResult result, List<string> problems)
    {
        if (result.Failed)
        {
            problems.AddRange(result.Failures);
        }
    }
}
