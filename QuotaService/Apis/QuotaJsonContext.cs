using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(TenantDefinition))]
[JsonSerializable(typeof(TenantView))]
[JsonSerializable(typeof(List<TenantView>))]
[JsonSerializable(typeof(CreatedTenant))]
[JsonSerializable(typeof(IssuedKey))]
[JsonSerializable(typeof(IssuedAccessKey))]
[JsonSerializable(typeof(List<AccessKeyView>))]
[JsonSerializable(typeof(TenantUsage))]
[JsonSerializable(typeof(AdmitRequest))]
[JsonSerializable(typeof(AdmitResponse))]
[JsonSerializable(typeof(SettleRequest))]
[JsonSerializable(typeof(ReleaseRequest))]
public sealed partial class QuotaJsonContext : JsonSerializerContext;
