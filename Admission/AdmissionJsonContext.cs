using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Admission;

/// <summary>The stored tenant record's JSON: camelCase, tiers as strings, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TenantRecord))]
[JsonSerializable(typeof(AccessKeyPair))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
