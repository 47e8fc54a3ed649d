using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>InvokeModel bodies of both families, the calls, and the model events inside a response stream's chunks.</summary>
internal static class InvokeCalls
{
    public const string Prompt = "Name three rivers in Europe."; // 28 characters: 7 tokens

    private static readonly JsonSerializerOptions IgnoreNulls = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Claude(string text = Prompt, int maxTokens = 100, string[]? stopSequences = null) => JsonSerializer.Serialize(new
    {
        anthropic_version = "bedrock-2023-05-31",
        max_tokens = maxTokens,
        messages = new[] { new { role = "user", content = text } },
        stop_sequences = stopSequences,
    }, IgnoreNulls);

    public static string Nova(string text = Prompt, int? maxTokens = 100, string[]? stopSequences = null) => JsonSerializer.Serialize(new
    {
        messages = new[] { new { role = "user", content = new[] { new { text } } } },
        inferenceConfig = new { maxTokens, stopSequences },
    }, IgnoreNulls);

    public static Task<HttpResponseMessage> InvokeAsync(
        HttpClient client, string modelId, string json, bool stream = false, string contentType = "application/json", string? accept = null)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, $"model/{Uri.EscapeDataString(modelId)}/{(stream ? "invoke-with-response-stream" : "invoke")}") { Content = content };
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation(stream ? "X-Amzn-Bedrock-Accept" : "Accept", accept);
        }

        return client.SendAsync(request);
    }

    public static string HeaderValue(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();

    /// <summary>
    /// The model's own events in a response stream, frame by frame: each must be a <c>chunk</c> event
    /// whose JSON payload is only <c>bytes</c>, base64 of one event's JSON.
    /// </summary>
    public static async Task<List<JsonElement>> ChunksAsync(HttpResponseMessage response)
    {
        var events = new List<JsonElement>();
        foreach (var frame in await FramesAsync(response))
        {
            Assert.Equal("event", Header(frame, ":message-type"));
            Assert.Equal("chunk", Header(frame, ":event-type"));
            Assert.Equal("application/json", Header(frame, ":content-type"));
            var payload = Payload(frame);
            Assert.Equal(["bytes"], payload.EnumerateObject().Select(p => p.Name));
            events.Add(JsonDocument.Parse(Convert.FromBase64String(payload.GetProperty("bytes").GetString()!)).RootElement);
        }

        return events;
    }

    /// <summary>An Anthropic event's type, or a Nova event's only member.</summary>
    public static string EventName(JsonElement modelEvent) =>
        modelEvent.TryGetProperty("type", out var type) ? type.GetString()! : modelEvent.EnumerateObject().First().Name;
}
