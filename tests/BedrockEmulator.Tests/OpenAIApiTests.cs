using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class OpenAIApiTests(EmulatorHost host) : EmulatorTest(host)
{
    [Fact]
    public async Task A_completion_has_usage_and_is_logged_in_Region_openai()
    {
        using var response = await CompleteAsync("sk-emulator-secondary", new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "Hello there" } }, max_tokens = 4 });

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(4, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var entry = Assert.Single((await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations?region=openai"))!);
        Assert.Equal("secondary", entry.GetProperty("account").GetString());
        Assert.Equal("openai", entry.GetProperty("api").GetString());
    }

    [Fact]
    public async Task The_openai_endpoint_serves_HTTP2_with_prior_knowledge_as_the_Router_speaks_it_when_set_to_2()
    {
        using var client = new HttpClient { BaseAddress = Host.OpenAI.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 3, stream = true }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "sk-emulator-primary") },
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.EndsWith("data: [DONE]", (await response.Content.ReadAsStringAsync()).TrimEnd());
    }

    [Fact]
    public async Task A_stream_ends_with_usage_and_DONE()
    {
        using var response = await CompleteAsync("sk-emulator-primary", new
        {
            model = "amazon.nova-lite-v1:0", messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 5, stream = true,
            stream_options = new { include_usage = true },
        });

        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: [DONE]", events[^1]);
        var usage = JsonDocument.Parse(events[^2]["data: ".Length..]).RootElement;
        Assert.Equal(5, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        var finish = JsonDocument.Parse(events[^3]["data: ".Length..]).RootElement;
        Assert.Equal("length", finish.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("sk-wrong", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.Unauthorized, "invalid_api_key")]
    [InlineData("sk-emulator-primary", """{"model":"gpt-9","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.NotFound, "model_not_found")]
    [InlineData("sk-emulator-primary", """{"model":"gpt-4o-mini","messages":[]}""", HttpStatusCode.BadRequest, null)]
    [InlineData("sk-emulator-primary", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", HttpStatusCode.BadRequest, null)]
    [InlineData("sk-emulator-primary", "{oops", HttpStatusCode.BadRequest, null)]
    public async Task Errors_have_the_OpenAI_shape(string key, string json, HttpStatusCode status, string? code)
    {
        using var response = await CompleteAsync(key, json);

        Assert.Equal(status, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(code, error.TryGetProperty("code", out var c) ? c.GetString() : null);
    }

    [Fact]
    public async Task Faults_apply_to_the_openai_Region()
    {
        await Host.AddFaultAsync(new { kind = "outage", region = "openai" });

        using var response = await CompleteAsync("sk-emulator-primary", new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "Hi" } } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("server_error", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Models_are_listed_for_a_known_key_only()
    {
        using var anonymous = await Host.OpenAI.GetAsync("/v1/models");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "sk-emulator-primary") } };
        using var listed = await Host.OpenAI.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var models = (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal("openai", models.Single(m => m.GetProperty("id").GetString() == "gpt-4o-mini").GetProperty("owned_by").GetString());
        Assert.Equal("anthropic", models.Single(m => m.GetProperty("id").GetString() == "anthropic.claude-sonnet-4-6").GetProperty("owned_by").GetString());
    }

    private Task<HttpResponseMessage> CompleteAsync(string key, object body)
    {
        var content = body is string json ? new StringContent(json, System.Text.Encoding.UTF8, "application/json") : (HttpContent)JsonContent.Create(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return Host.OpenAI.SendAsync(request);
    }
}
