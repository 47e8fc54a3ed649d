using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>One entry of the BedrockEmulator's invocation log (GET /admin/invocations).</summary>
public sealed record EmulatorInvocation(
    DateTimeOffset Time,
    string RequestId,
    string? Account,
    string Region,
    string SourceRegion,
    string? ModelId,
    string RequestedModel,
    string Api,
    int InputTokens,
    int OutputTokens,
    string Outcome,
    int StatusCode,
    long LatencyMs)
{
    public bool Succeeded => Outcome == "success";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<EmulatorInvocation>))]
[JsonSerializable(typeof(EmulatorFault))]
[JsonSerializable(typeof(EmulatorFaultCreated))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;

/// <summary>A fault for POST /admin/faults of the BedrockEmulator.</summary>
public sealed record EmulatorFault(string Kind, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region = null);

internal sealed record EmulatorFaultCreated(string Id);
