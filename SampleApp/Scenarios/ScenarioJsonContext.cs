using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.SampleApp.Scenarios;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<EmulatorInvocation>))]
[JsonSerializable(typeof(EmulatorFault))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
