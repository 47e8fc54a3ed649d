using System.Text.Json;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>The stored tenant record's JSON. A record that does not parse or validate is the store's fault, not the caller's.</summary>
internal static class TenantRecordJson
{
    public static TenantRecord? Parse(RedisValue json, string tenantId)
    {
        if (json.IsNull)
        {
            return null;
        }

        TenantRecord? record;
        try
        {
            record = JsonSerializer.Deserialize((string)json!, AdmissionJsonContext.Default.TenantRecord);
        }
        catch (JsonException e)
        {
            throw new StoreDataException($"The record of tenant '{tenantId}' in the quota store is not valid JSON.", e);
        }

        if (record?.Definition is not { } definition || record.Keys is null || definition.Id != tenantId || definition.Validate() is { Count: > 0 })
        {
            throw new StoreDataException($"The record of tenant '{tenantId}' in the quota store is not a valid tenant.");
        }

        return record;
    }

    public static string Serialize(TenantRecord record) => JsonSerializer.Serialize(record, AdmissionJsonContext.Default.TenantRecord);
}
