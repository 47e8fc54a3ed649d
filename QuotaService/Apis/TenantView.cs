using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

/// <summary>A tenant as the admin API shows it: the definition and its keys without their hashes.</summary>
public sealed record TenantView(TenantDefinition Tenant, IReadOnlyList<KeyView> Keys)
{
    public static TenantView From(TenantRecord record) => new(record.Definition, [.. record.Keys.Select(KeyView.From)]);
}
