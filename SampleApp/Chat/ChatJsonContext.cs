using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.SampleApp.Chat;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatTranscript))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
