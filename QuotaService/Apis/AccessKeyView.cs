using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

/// <summary>An access key pair as the admin API shows it: never the secret.</summary>
public sealed record AccessKeyView(string AccessKeyId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static AccessKeyView From(AccessKeyPair pair) => new(pair.AccessKeyId, pair.CreatedAt, pair.RevokedAt);
}
