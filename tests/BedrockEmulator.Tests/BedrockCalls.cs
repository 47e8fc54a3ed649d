using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.Runtime.EventStreams;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>Converse requests as the Router sends them, and ConverseStream frames decoded by AWSSDK.Core.</summary>
internal static class BedrockCalls
{
    public const string Sonnet = "anthropic.claude-sonnet-4-6";
    public const string Haiku = "anthropic.claude-haiku-4-5-20251001-v1:0";
    public const string NovaLite = "amazon.nova-lite-v1:0";

    public static object Body(string text = "Name three rivers in Europe.", int? maxTokens = 100) => new
    {
        messages = new[] { new { role = "user", content = new[] { new { text } } } },
        inferenceConfig = maxTokens is null ? null : new { maxTokens },
    };

    public static Task<HttpResponseMessage> ConverseAsync(HttpClient client, string modelId, object? body = null, bool stream = false) =>
        client.PostAsync($"model/{Uri.EscapeDataString(modelId)}/{(stream ? "converse-stream" : "converse")}",
            JsonContent.Create(body ?? Body(), options: new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));

    public static Task<HttpResponseMessage> RawAsync(HttpClient client, string modelId, string json) =>
        client.PostAsync($"model/{Uri.EscapeDataString(modelId)}/converse", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static string? ErrorType(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.Single() : null;

    /// <summary>Reads every frame; <see cref="EventStreamMessage.FromBuffer"/> checks both CRCs.</summary>
    public static async Task<List<EventStreamMessage>> FramesAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var frames = new List<EventStreamMessage>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset));
            // FromBuffer reads the message CRC relative to the start of the array, so each frame gets its own.
            frames.Add(EventStreamMessage.FromBuffer(bytes[offset..(offset + length)], 0, length));
            offset += length;
        }

        return frames;
    }

    public static string Header(EventStreamMessage frame, string name) => frame.Headers[name].AsString();

    public static JsonElement Payload(EventStreamMessage frame) => JsonDocument.Parse(frame.Payload).RootElement;
}
