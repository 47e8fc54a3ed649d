using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Invocations;
using Switchyard.BedrockEmulator.Quotas;

namespace Switchyard.BedrockEmulator.Admin;

/// <summary>A fault to inject; see <see cref="FaultKind"/>. Omitted Region, model or account match all.</summary>
internal sealed record FaultRequest(
    FaultKind? Kind, string? Region, string? Model, string? Account, double? Rate, int? LatencyMs, int? AfterEvents, int? DurationSeconds);

/// <summary>The live switches; a PUT may set either.</summary>
internal sealed record SettingsDocument(bool? LatencyEnabled, bool? QuotasEnabled);

internal sealed record AdminError(string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(Fault))]
[JsonSerializable(typeof(IReadOnlyList<Fault>))]
[JsonSerializable(typeof(List<InvocationRecord>))]
[JsonSerializable(typeof(QuotaOverride))]
[JsonSerializable(typeof(List<QuotaStatus>))]
[JsonSerializable(typeof(SettingsDocument))]
[JsonSerializable(typeof(AdminError))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
