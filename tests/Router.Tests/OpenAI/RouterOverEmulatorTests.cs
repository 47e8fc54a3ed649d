using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>
/// The OpenAI door end to end over the real Bedrock emulator: an image part reaches Converse as an image block
/// the emulator accepts and counts, and a response format comes back as the forced tool's input, whole and streamed.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class RouterOverEmulatorTests(RouterHost host, EmulatedBedrock emulator) : IClassFixture<EmulatedBedrock>, IAsyncLifetime
{
    private WebApplicationFactory<Program> _router = null!;

    public async Task InitializeAsync()
    {
        await host.ResetAsync();
        await emulator.ResetAsync();
        _router = host.WithSettings(new Dictionary<string, string?>([.. emulator.RouterSettings(), .. EmulatedBedrock.Deployment("emu-sonnet", "us-east-1", "anthropic.claude-sonnet-4-6")])
        {
            ["Routing:ModelGroups:emu:Deployments:0"] = "emu-sonnet",
        });
    }

    public async Task DisposeAsync() => await _router.DisposeAsync();

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

    [Theory]
    [InlineData("emu")]
    [InlineData("emu-openai")]
    public async Task Over_HTTP2_with_prior_knowledge_both_upstream_apis_answer_whole_and_streamed(string group)
    {
        // Both endpoint kinds at "2": Converse with SigV4 (the emulator checks the signature) and Chat Completions.
        await using var router = host.WithSettings(new Dictionary<string, string?>([.. emulator.RouterSettings(), .. EmulatedBedrock.Deployment("emu-sonnet", "us-east-1", "anthropic.claude-sonnet-4-6")])
        {
            ["Bedrock:HttpVersion"] = "2",
            ["OpenAIProviders:emu:Endpoint"] = emulator.Endpoint("openai").ToString(),
            ["OpenAIProviders:emu:ApiKey"] = "sk-emulator-primary",
            ["OpenAIProviders:emu:HttpVersion"] = "2",
            ["Routing:Deployments:emu-gpt:Provider"] = "openai",
            ["Routing:Deployments:emu-gpt:Account"] = "emu",
            ["Routing:Deployments:emu-gpt:Model"] = "gpt-4o-mini",
            ["Routing:ModelGroups:emu:Deployments:0"] = "emu-sonnet",
            ["Routing:ModelGroups:emu-openai:Deployments:0"] = "emu-gpt",
        });
        using var client = router.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");

        using var whole = await client.PostAsync("/v1/chat/completions", new StringContent($$"""{"model":"{{group}}","messages":[{"role":"user","content":"Hi"}],"max_tokens":8}""", Encoding.UTF8, "application/json"));
        using var streamed = await client.PostAsync("/v1/chat/completions", new StringContent($$"""{"model":"{{group}}","stream":true,"messages":[{"role":"user","content":"Hi"}],"max_tokens":8}""", Encoding.UTF8, "application/json"));

        var answer = await whole.Content.ReadAsStringAsync();
        Assert.True(whole.StatusCode == HttpStatusCode.OK, answer);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(answer).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
        var events = await streamed.Content.ReadAsStringAsync();
        Assert.True(streamed.StatusCode == HttpStatusCode.OK, events);
        Assert.EndsWith("data: [DONE]", events.TrimEnd());
        var region = group == "emu" ? "us-east-1" : "openai";
        Assert.Equal(["success", "success"], await emulator.InvocationOutcomesAsync(region));
    }

    private HttpClient Client()
    {
        var client = _router.CreateClient();
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
}
