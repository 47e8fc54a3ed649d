using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Switchyard.Tests;

namespace Switchyard.Router.Tests.Anthropic;

/// <summary>
/// The @anthropic-ai/sdk client through the Router's Messages door to the real BedrockEmulator over the
/// Bedrock provider (Converse, SigV4, event streams): group "emu" is Claude Haiku 4.5 in us-east-1, then
/// us-west-2. The emulator's faults take the first Region out and cut a stream mid-way.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class AnthropicEmulatorTests(RouterHost host, EmulatedBedrock emulator) : IClassFixture<EmulatedBedrock>, IAsyncLifetime
{
    private const string Model = "anthropic.claude-haiku-4-5-20251001-v1:0";

    private WebApplicationFactory<Program> _router = null!;

    public async Task InitializeAsync()
    {
        await host.ResetAsync();
        await emulator.ResetAsync();
        _router = host.WithSettings(new Dictionary<string, string?>(
            [.. emulator.RouterSettings(), .. EmulatedBedrock.Deployment("emu-east", "us-east-1", Model), .. EmulatedBedrock.Deployment("emu-west", "us-west-2", Model)])
        {
            ["Routing:ModelGroups:emu:Deployments:0"] = "emu-east",
            ["Routing:ModelGroups:emu:Deployments:1"] = "emu-west",
            ["Routing:ModelGroups:emu:Strategy"] = "priority",
        });
        _router.UseKestrel(0);
        _router.StartServer();
    }

    public async Task DisposeAsync() => await _router.DisposeAsync();

    [Fact]
    public async Task Messages_streams_and_cache_control_reach_converse_and_come_back()
    {
        var result = await RunAsync("basics");

        var message = result.GetProperty("message");
        Assert.Equal(Model, message.GetProperty("model").GetString());
        Assert.NotEmpty(message.GetProperty("text").GetString()!);
        Assert.True(message.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
        var stream = result.GetProperty("stream");
        Assert.NotEmpty(stream.GetProperty("text").GetString()!);
        Assert.Equal("message_stop", stream.GetProperty("events").EnumerateArray().Last().GetString());
        Assert.True(stream.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task When_the_first_region_is_out_the_request_fails_over_to_the_next()
    {
        await emulator.AddFaultAsync(new { kind = "outage", region = "us-east-1" });

        var result = await RunAsync("failover");

        Assert.Equal(Model, result.GetProperty("message").GetProperty("model").GetString());
        Assert.Equal("us-west-2", result.GetProperty("region").GetString());
    }

    [Fact]
    public async Task A_stream_cut_by_the_upstream_ends_in_an_error_event_after_the_text_so_far()
    {
        await emulator.AddFaultAsync(new { kind = "stream-cut", afterEvents = 4 });

        var result = await RunAsync("cut");

        Assert.False(result.GetProperty("completed").GetBoolean(), result.GetRawText());
        Assert.NotEmpty(result.GetProperty("text").GetString()!);
        Assert.Equal("api_error", result.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_stop_sequence_is_stop_sequence_to_anthropic_and_bedrock_clients_and_stop_to_openai_clients()
    {
        // The emulator answers English and cuts its answer at the first stop sequence it contains, as Bedrock does.
        using var client = new HttpClient { BaseAddress = _router.ClientOptions.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", "test-key");

        var message = await PostAsync(client, "/v1/messages", """{"model":"emu","max_tokens":64,"stop_sequences":["e"],"messages":[{"role":"user","content":"hello"}]}""");
        Assert.Equal("stop_sequence", message.GetProperty("stop_reason").GetString());
        Assert.DoesNotContain("e", message.GetProperty("content")[0].GetProperty("text").GetString());

        var converse = await PostAsync(client, "/model/emu/converse", """{"messages":[{"role":"user","content":[{"text":"hello"}]}],"inferenceConfig":{"maxTokens":64,"stopSequences":["e"]}}""");
        Assert.Equal("stop_sequence", converse.GetProperty("stopReason").GetString());

        var completion = await PostAsync(client, "/v1/chat/completions", """{"model":"emu","max_tokens":64,"stop":["e"],"messages":[{"role":"user","content":"hello"}]}""");
        Assert.Equal("stop", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        using var stream = await client.PostAsync("/v1/messages", new StringContent(
            """{"model":"emu","max_tokens":64,"stream":true,"stop_sequences":["e"],"messages":[{"role":"user","content":"hello"}]}""", System.Text.Encoding.UTF8, "application/json"));
        var delta = (await stream.Content.ReadAsStringAsync()).Split('\n')
            .Where(line => line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"message_delta\"", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line["data: ".Length..]).RootElement).Single();
        Assert.Equal("stop_sequence", delta.GetProperty("delta").GetProperty("stop_reason").GetString());

        static async Task<JsonElement> PostAsync(HttpClient client, string path, string body)
        {
            using var response = await client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private Task<JsonElement> RunAsync(string scenario) =>
        NodeScript.RunAsync("router-anthropic.mjs", new Dictionary<string, string>
        {
            ["ROUTER_URL"] = _router.ClientOptions.BaseAddress.ToString().TrimEnd('/'),
            ["MODEL"] = "emu",
            ["API_KEY"] = "test-key",
            ["SCENARIO"] = scenario,
        });
}
