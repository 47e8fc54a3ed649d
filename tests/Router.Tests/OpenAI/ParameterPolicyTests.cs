using System.Net;
using System.Text;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>The documented policy for Chat Completions parameters the Router does not support: ignored and named, or a 400 naming them.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class ParameterPolicyTests(RouterHost host) : IAsyncLifetime
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("\"logprobs\":true", "logprobs")]
    [InlineData("\"top_logprobs\":3", "top_logprobs")]
    [InlineData("\"logit_bias\":{\"50256\":-100}", "logit_bias")]
    [InlineData("\"store\":true", "store")]
    [InlineData("\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}", "audio")]
    [InlineData("\"modalities\":[\"text\",\"audio\"]", "modalities")]
    [InlineData("\"prediction\":{\"type\":\"content\",\"content\":\"x\"}", "prediction")]
    [InlineData("\"web_search_options\":{}", "web_search_options")]
    [InlineData("\"functions\":[{\"name\":\"f\"}]", "functions")]
    [InlineData("\"function_call\":\"auto\"", "function_call")]
    public async Task Unsupported_parameters_set_to_anything_but_their_default_are_400s_naming_them(string member, string param)
    {
        using var response = await PostAsync($$"""{"model":"pair","messages":{{Hi}},{{member}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = OpenAIError.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(("unsupported_parameter", param), (error.Code, error.Param));
        Assert.Contains(param, error.Message, StringComparison.Ordinal);
        Assert.Empty(host.Upstream.Calls);
    }

    [Theory]
    [InlineData("\"logprobs\":false")]
    [InlineData("\"logprobs\":null,\"top_logprobs\":null")]
    [InlineData("\"logit_bias\":{}")]
    [InlineData("\"store\":false")]
    [InlineData("\"modalities\":[\"text\"]")]
    [InlineData("\"audio\":null,\"prediction\":null,\"functions\":null")]
    public async Task Unsupported_parameters_at_their_default_pass(string member)
    {
        using var response = await PostAsync($$"""{"model":"pair","messages":{{Hi}},{{member}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("x-switchyard-ignored-params"));
    }

    [Fact]
    public async Task Ignored_parameters_are_named_back()
    {
        using var response = await PostAsync($$"""
            {"model":"pair","messages":{{Hi}},"user":"u1","metadata":{"k":"v"},"service_tier":"auto","safety_identifier":"s",
             "prompt_cache_key":"p","reasoning_effort":"low","verbosity":"low","prompt_cache_retention":null}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("user,metadata,service_tier,safety_identifier,prompt_cache_key,reasoning_effort,verbosity",
            Assert.Single(response.Headers.GetValues("x-switchyard-ignored-params")));
    }

    [Theory]
    [InlineData("temprature")]
    [InlineData("Model")]
    [InlineData("top_k")]
    public async Task Unknown_parameters_are_400s_as_openai_answers_them(string name)
    {
        using var response = await PostAsync($$"""{"model":"pair","messages":{{Hi}},"{{name}}":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = OpenAIError.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(("unknown_parameter", name), (error.Code, error.Param));
        Assert.Equal($"Unrecognized request argument supplied: {name}", error.Message);
    }

    [Fact]
    public async Task A_hostile_unknown_name_is_echoed_bounded()
    {
        var name = new string('z', 1000);
        using var response = await PostAsync($$"""{"model":"pair","messages":{{Hi}},"{{name}}":1}""");

        var error = OpenAIError.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(65, error.Param!.Length);
    }

    [Theory]
    [InlineData("\"frequency_penalty\":2.5", "frequency_penalty")]
    [InlineData("\"presence_penalty\":-3", "presence_penalty")]
    [InlineData("\"seed\":\"x\"", "seed")]
    [InlineData("\"parallel_tool_calls\":1", "parallel_tool_calls")]
    public async Task Honoured_sampling_parameters_are_validated(string member, string param)
    {
        using var response = await PostAsync($$"""{"model":"pair","messages":{{Hi}},{{member}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, OpenAIError.Parse(await response.Content.ReadAsStringAsync()).Param);
    }

    [Fact]
    public void Passed_on_parameters_reach_the_provider_options()
    {
        var wire = System.Text.Json.JsonSerializer.Deserialize(
            """{"model":"m","messages":[{"role":"user","content":"hi"}],"seed":7,"frequency_penalty":0.5,"presence_penalty":-0.5,"parallel_tool_calls":false}""",
            Switchyard.Router.OpenAI.OpenAIJsonContext.Default.ChatCompletionRequest)!;

        var options = Switchyard.Router.OpenAI.ChatRequestMapper.Map(wire, _ => 100).Options;

        Assert.Equal((7L, 0.5f, -0.5f, false), (options.Seed, options.FrequencyPenalty, options.PresencePenalty, options.AllowMultipleToolCalls));
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var client = host.CreateClient();
        return await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
    }
}
