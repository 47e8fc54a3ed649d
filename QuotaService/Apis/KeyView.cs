using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

public sealed record KeyView(string Id, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static KeyView From(TenantKey key) => new(key.Id, key.Prefix, key.CreatedAt, key.RevokedAt);
}
