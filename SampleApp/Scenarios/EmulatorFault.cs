using System.Text.Json.Serialization;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>A fault for POST /admin/faults of the BedrockEmulator.</summary>
public sealed record EmulatorFault(string Kind, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region = null);
