namespace Switchyard.Admission;

/// <summary>What the Router needs to know about a tenant: its limits, what it may call and how it is isolated.</summary>
/// <remarks>Missing or null members take their defaults (JSON and configuration may leave them out).</remarks>
public sealed record TenantDefinition
{
    public required string Id { get; init; }

    public string DisplayName { get; init => field = value ?? ""; } = "";

    public TenantLimits Limits { get; init => field = value ?? new(); } = new();

    /// <summary>Model groups the tenant may call; empty means all.</summary>
    public IReadOnlyList<string> AllowedModelGroups { get; init => field = value ?? []; } = [];

    /// <summary>Interactive tenants are shed after batch ones when a shared deployment nears its capacity.</summary>
    public TenantTier Tier { get; init; } = TenantTier.Interactive;

    /// <summary>Deployments reserved for this tenant (isolation by deployment); empty means shared ones.</summary>
    public IReadOnlyList<string> DedicatedDeployments { get; init => field = value ?? []; } = [];

    /// <summary>Provider accounts reserved for this tenant (isolation by account sharding); empty means shared ones.</summary>
    public IReadOnlyList<string> DedicatedAccounts { get; init => field = value ?? []; } = [];

    public bool AllowsModelGroup(string modelGroup) =>
        AllowedModelGroups.Count == 0 || AllowedModelGroups.Contains(modelGroup, StringComparer.Ordinal);

    /// <summary>Problems that make the definition unusable, empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        // Ids end up inside Redis hash tags, so braces (and anything unusual) are refused.
        if (!TenantIds.IsValid(Id))
        {
            errors.Add("id must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit.");
        }

        errors.AddRange(Limits.Validate());
        if (!Enum.IsDefined(Tier))
        {
            errors.Add("tier must be interactive or batch.");
        }

        return errors;
    }
}
