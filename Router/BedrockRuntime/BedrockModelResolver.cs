using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Turns the <c>{modelId}</c> of a Bedrock Runtime URL into a model group, deterministically:
/// <list type="number">
/// <item>a model group of that name;</item>
/// <item>else, for an ARN (<c>arn:aws:bedrock:…:inference-profile/us.anthropic…</c>), the same steps with the part after its last '/';</item>
/// <item>else the group, first in ordinal order of group names, with a deployment whose model (model or inference profile id) is exactly that id.</item>
/// </list>
/// Null when none matches: the client gets ResourceNotFoundException.
/// </summary>
internal static class BedrockModelResolver
{
    public static string? Resolve(RoutingTable table, string modelId)
    {
        if (table.Groups.ContainsKey(modelId))
        {
            return modelId;
        }

        if (modelId.StartsWith("arn:", StringComparison.Ordinal) && modelId.LastIndexOf('/') is var slash and >= 0 && slash < modelId.Length - 1)
        {
            return Resolve(table, modelId[(slash + 1)..]);
        }

        return table.Groups.Values
            .Where(group => group.Deployments.Any(d => string.Equals(d.Options.Model, modelId, StringComparison.Ordinal)))
            .Select(group => group.Name)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
