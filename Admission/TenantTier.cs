using System.Text.Json.Serialization;

namespace Switchyard.Admission;

public enum TenantTier
{
    [JsonStringEnumMemberName("interactive")]
    Interactive,

    [JsonStringEnumMemberName("batch")]
    Batch,
}
