extern alias emulator;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>
/// The OpenAI door end to end over the real Bedrock emulator (on loopback ports, as its own tests host it):
/// an image part reaches Converse as an image block the emulator accepts and counts, and a response format
/// comes back as the forced tool's input, whole and streamed.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class RouterOverEmulatorTests(RouterHost host) : IAsyncLifetime
{
    private readonly EmulatorApp _emulator = new();

    private WebApplicationFactory<Program>? _router;

    public async Task InitializeAsync()
    {
        await host.ResetAsync();
        _router = host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bedrock:Accounts:emu:AccessKeyId"] = "AKIASWITCHYARDPRIMARY",
            ["Bedrock:Accounts:emu:SecretAccessKey"] = "switchyard-emulator-primary-secret",
            ["Bedrock:Endpoints:us-east-1"] = _emulator.Region,
            ["Routing:Deployments:emu-sonnet:Provider"] = "bedrock",
            ["Routing:Deployments:emu-sonnet:Account"] = "emu",
            ["Routing:Deployments:emu-sonnet:Region"] = "us-east-1",
            ["Routing:Deployments:emu-sonnet:Model"] = "anthropic.claude-sonnet-4-6",
            ["Routing:ModelGroups:emu:Deployments:0"] = "emu-sonnet",
        })));
    }

    public async Task DisposeAsync()
    {
        if (_router is not null)
        {
            await _router.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task An_image_part_reaches_bedrock_as_an_image_block()
    {
        var withImage = await CompleteAsync($$$"""{"model":"emu","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"{{{ImagePartTests.PngDataUrl}}}"}}]}]}""");
        var without = await CompleteAsync("""{"model":"emu","messages":[{"role":"user","content":"What is this?"}]}""");

        Assert.True(withImage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > without.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("stop", withImage.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task A_json_schema_response_format_comes_back_as_json_content_of_that_schema()
    {
        var answer = await CompleteAsync("""
            {"model":"emu","messages":[{"role":"user","content":"Weather in Paris?"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"weather","schema":{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"}},"required":["city","celsius"]}}}}
            """);

        var choice = answer.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        var content = JsonDocument.Parse(choice.GetProperty("message").GetProperty("content").GetString()!).RootElement;
        Assert.Equal(JsonValueKind.String, content.GetProperty("city").ValueKind);
        Assert.Equal(JsonValueKind.Number, content.GetProperty("celsius").ValueKind);
    }

    [Fact]
    public async Task A_streamed_json_object_response_arrives_as_content_deltas_that_form_json()
    {
        using var client = Client();
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"emu","stream":true,"messages":[{"role":"user","content":"Describe Paris."}],"response_format":{"type":"json_object"}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("choices")[0]).ToList();
        var content = string.Concat(chunks.Select(c => c.GetProperty("delta").TryGetProperty("content", out var text) ? text.GetString() : ""));
        Assert.True(chunks.Count(c => c.GetProperty("delta").TryGetProperty("content", out _)) > 1, "the JSON should arrive in several deltas");
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(content).RootElement.GetProperty("text").GetString()));
        Assert.Equal("stop", chunks.Last(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String).GetProperty("finish_reason").GetString());
    }

    private HttpClient Client()
    {
        var client = _router!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        return client;
    }

    private async Task<JsonElement> CompleteAsync(string body)
    {
        using var client = Client();
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The emulator on free loopback ports, latency off, as tests/BedrockEmulator.Tests/EmulatorHost.cs hosts it.</summary>
    private sealed class EmulatorApp : WebApplicationFactory<emulator::Program>
    {
        private static readonly string[] EndpointNames = ["admin", "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "openai"];

        private readonly Dictionary<string, string> _endpoints = EndpointNames.ToDictionary(name => name, _ => $"http://127.0.0.1:{FreePort()}");

        public EmulatorApp()
        {
            UseKestrel();
            StartServer();
        }

        public string Region => _endpoints["us-east-1"] + "/";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(
                _endpoints.Select(e => KeyValuePair.Create($"Kestrel:Endpoints:{e.Key}:Url", (string?)e.Value))
                    .Append(KeyValuePair.Create("Emulator:Latency:Enabled", (string?)"false"))));
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
