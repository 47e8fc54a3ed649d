using System.Text.Json.Serialization;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>Source-generated JSON for what the OpenAI-compatible client deserializes as objects: tool-call arguments.</summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
internal sealed partial class OpenAICompatibleJsonContext : JsonSerializerContext;
