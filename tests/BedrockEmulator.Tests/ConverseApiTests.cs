using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class ConverseApiTests(EmulatorHost host) : EmulatorTest(host)
{
    [Fact]
    public async Task Converse_answers_with_deterministic_text_whose_tokens_match_the_usage()
    {
        using var client = Host.SignedClient("us-east-2");

        using var first = await ConverseAsync(client, Haiku, Body(maxTokens: 1000));
        using var second = await ConverseAsync(client, Haiku, Body(maxTokens: 1000));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>();
        var text = answer.GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString()!;
        var usage = answer.GetProperty("usage");
        Assert.Equal("end_turn", answer.GetProperty("stopReason").GetString());
        Assert.InRange(usage.GetProperty("outputTokens").GetInt32(), 20, 200);
        Assert.Equal((text.Length + 3) / 4, usage.GetProperty("outputTokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("inputTokens").GetInt32()); // "Name three rivers in Europe." is 28 characters.
        Assert.Equal(text, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.True(first.Headers.Contains("x-amzn-RequestId"));
    }

    [Fact]
    public async Task Converse_stops_at_max_tokens()
    {
        using var client = Host.SignedClient("us-east-1");

        var answer = await (await ConverseAsync(client, Sonnet, Body(maxTokens: 5))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("max_tokens", answer.GetProperty("stopReason").GetString());
        Assert.Equal(5, answer.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task Converse_stops_at_the_first_stop_sequence_the_answer_contains_and_refuses_an_empty_one()
    {
        using var client = Host.SignedClient("us-east-1");
        var full = (await (await ConverseAsync(client, Sonnet, Body(maxTokens: 1000))).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString()!;
        var stop = full.Substring(20, 7);

        var answer = await (await ConverseAsync(client, Sonnet, new
        {
            messages = new[] { new { role = "user", content = new[] { new { text = "Name three rivers in Europe." } } } },
            inferenceConfig = new { maxTokens = 1000, stopSequences = new[] { "never-in-the-text", stop } },
        })).Content.ReadFromJsonAsync<JsonElement>();
        using var empty = await RawAsync(client, Sonnet,
            """{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"stopSequences":[""]}}""");

        Assert.Equal("stop_sequence", answer.GetProperty("stopReason").GetString());
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], answer.GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("ValidationException", ErrorType(empty));
    }

    [Fact]
    public async Task ConverseStream_sends_the_events_in_order_in_valid_frames()
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await ConverseAsync(client, "us." + Sonnet, Body(maxTokens: 10), stream: true);
        var frames = await FramesAsync(response);

        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType?.MediaType);
        Assert.All(frames, f => Assert.Equal("event", Header(f, ":message-type")));
        var events = frames.Select(f => Header(f, ":event-type")).ToList();
        Assert.Equal(["messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"], events);
        var text = string.Concat(frames.Where(f => Header(f, ":event-type") == "contentBlockDelta").Select(f => Payload(f).GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal(10, (text.Length + 3) / 4);
        Assert.Equal("max_tokens", Payload(frames[^2]).GetProperty("stopReason").GetString());
        var metadata = Payload(frames[^1]);
        Assert.Equal(10, metadata.GetProperty("usage").GetProperty("outputTokens").GetInt32());
        Assert.True(metadata.GetProperty("metrics").TryGetProperty("latencyMs", out _));
    }

    [Fact]
    public async Task With_the_latency_model_on_a_stream_arrives_at_the_models_pace()
    {
        (await Host.Admin.PutAsJsonAsync("/admin/settings", new { latencyEnabled = true })).EnsureSuccessStatusCode();
        using var client = Host.SignedClient("us-east-1");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"model/{NovaLite}/converse-stream") { Content = JsonContent.Create(Body(maxTokens: 60)) };

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var buffer = new byte[4096];
        var first = await body.ReadAsync(buffer);
        Assert.True(first > 0);
        var firstBytes = watch.Elapsed;
        received.Write(buffer, 0, first);
        await body.CopyToAsync(received);
        var outputTokens = int.Parse(System.Text.RegularExpressions.Regex.Match(
            System.Text.Encoding.UTF8.GetString(received.ToArray()), "\"outputTokens\":(\\d+)").Groups[1].Value);

        // Nova Lite in us-east-1: first token after 300 ms, then 150 tokens/s. Pacing follows a schedule
        // from the request's start, so a late first read on a busy machine may find several events
        // waiting: assert on the whole stream against the tokens it carried, not on the split.
        Assert.True(firstBytes >= TimeSpan.FromMilliseconds(280), $"first bytes after {firstBytes.TotalMilliseconds} ms");
        var paced = TimeSpan.FromMilliseconds(280 + outputTokens * 1000.0 / 150 * 0.9);
        Assert.True(outputTokens > 10, $"{outputTokens} output tokens");
        Assert.True(watch.Elapsed >= paced, $"whole stream of {outputTokens} tokens after {watch.Elapsed.TotalMilliseconds} ms, expected at least {paced.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData("{not json", "Malformed input request")]
    [InlineData("{}", "Value null at 'messages'")]
    [InlineData("""{"messages":[]}""", "must start with a user message")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":0}}""", "greater than or equal to 1")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":999999}}""", "exceeds the model limit")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"hi"}]},{"role":"user","content":[{"text":"again"}]}]}""", "must alternate")]
    [InlineData("""{"messages":[{"role":"robot","content":[{"text":"hi"}]}]}""", "must start with a user message")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"  "}]}]}""", "is blank")]
    [InlineData("""{"messages":[{"role":"user","content":[]}]}""", "is empty")]
    public async Task Invalid_requests_are_ValidationExceptions(string json, string message)
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await RawAsync(client, Sonnet, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", ErrorType(response));
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("us-east-1", "anthropic.claude-opus-9")]
    [InlineData("eu-west-1", "us.anthropic.claude-sonnet-4-6")]
    [InlineData("us-east-1", "gpt-4o-mini")]
    public async Task Unknown_models_and_profiles_outside_their_geography_are_invalid(string region, string modelId)
    {
        using var client = Host.SignedClient(region);

        using var response = await ConverseAsync(client, modelId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", ErrorType(response));
    }

    [Fact]
    public async Task A_base_model_is_served_in_the_Region_it_is_called_in_and_logged()
    {
        using var client = Host.SignedClient("eu-west-1", EmulatorHost.SecondaryAccessKey, EmulatorHost.SecondarySecret);

        (await ConverseAsync(client, NovaLite)).EnsureSuccessStatusCode();

        var entry = Assert.Single(await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations") ?? []);
        Assert.Equal("secondary", entry.GetProperty("account").GetString());
        Assert.Equal("eu-west-1", entry.GetProperty("region").GetString());
        Assert.Equal("eu-west-1", entry.GetProperty("sourceRegion").GetString());
        Assert.Equal(NovaLite, entry.GetProperty("modelId").GetString());
        Assert.Equal("converse", entry.GetProperty("api").GetString());
        Assert.Equal("success", entry.GetProperty("outcome").GetString());
        Assert.Equal(200, entry.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Converse_is_not_served_on_the_admin_endpoint()
    {
        using var client = EmulatorHost.SignedClient(Host.Endpoint("admin"), "us-east-1");

        using var response = await ConverseAsync(client, Sonnet);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
