using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Tests;

/// <summary>
/// Hostile and careless input at the front door: every malformed request is a 400 in OpenAI's shape that
/// names the parameter at fault, and what can be refused without the store is refused before admission.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class RequestValidationTests(RouterHost host) : IAsyncLifetime
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";

    private readonly HttpClient _client = host.CreateClient();

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    // The five that answered 500 with a stack trace (issue 13).
    [InlineData("""{"model":"pair","messages":[null]}""", "messages[0]", "invalid_type")]
    [InlineData("""{"model":"pair","tools":[null],"messages":""" + Hi + "}", "tools[0]", "invalid_type")]
    [InlineData("""{"model":"pair","messages":[{"role":"assistant","tool_calls":[null]}]}""", "messages[0].tool_calls[0]", "invalid_type")]
    [InlineData("""{"model":"pair","messages":[{"role":"user","content":[{"type":1}]}]}""", "messages[0].content[0].type", "invalid_type")]
    [InlineData("""{"model":"pair","tool_choice":{"type":"function","function":"f"},"messages":""" + Hi + "}", "tool_choice.function", "invalid_type")]
    [InlineData("""{"model":"pair","tool_choice":{"type":"function","function":{"name":" "}},"messages":""" + Hi + "}", "tool_choice.function.name", "invalid_value")]
    // Wrong JSON types and numbers outside their type, anywhere.
    [InlineData("""{"model":"pair","max_tokens":"5","messages":""" + Hi + "}", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"pair","max_tokens":2147483648,"messages":""" + Hi + "}", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"pair","max_tokens":-9223372036854775808,"messages":""" + Hi + "}", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"pair","max_tokens":1.5,"messages":""" + Hi + "}", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"pair","temperature":1e39,"messages":""" + Hi + "}", "temperature", "invalid_value")]
    [InlineData("""{"model":"pair","stream":"yes","messages":""" + Hi + "}", "stream", "invalid_type")]
    [InlineData("""{"model":"pair","stream_options":{"include_usage":1},"messages":""" + Hi + "}", "stream_options.include_usage", "invalid_type")]
    [InlineData("""{"model":["pair"],"messages":""" + Hi + "}", "model", "invalid_type")]
    [InlineData("""{"model":"pair","messages":{"role":"user"}}""", "messages", "invalid_type")]
    [InlineData("""{"model":"pair","messages":[7]}""", "messages[0]", "invalid_type")]
    [InlineData("""{"model":"pair","messages":[{"role":true,"content":"hi"}]}""", "messages[0].role", "invalid_type")]
    [InlineData("""{"model":"pair","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":{}}}]}]}""", "messages[0].tool_calls[0].function.arguments", "invalid_type")]
    [InlineData("""{"model":"pair","tools":[{"type":"function","function":{"name":"f","parameters":[]}}],"messages":""" + Hi + "}", "tools[0].function.parameters", "invalid_type")]
    [InlineData("""{"model":"pair","n":2147483647,"messages":""" + Hi + "}", "n", "invalid_value")]
    [InlineData("""{"model":"pair","max_tokens":2147483647,"messages":""" + Hi + "}", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"pair","messages":[{"role":"user","content":"\udfff"}]}""", "messages[0].content", "invalid_value")]
    [InlineData("""{"model":"pair","messages":[{"role":"user","content":[{"type":"\udfff","text":"hi"}]}]}""", "messages[0].content[0].type", "invalid_value")]
    [InlineData("""{"model":"pair","messages":[{"role":"user","content":[{"type":"text","\ud800":1}]}]}""", "messages[0].content[0]", "invalid_value")]
    // Found by bench/fuzz (cases 21883 and 186480 of 1,000,000; 309230 is the name test below): they were 500s.
    [InlineData("""{"model":"pair","response_format":{"type":"\udfff"},"messages":""" + Hi + "}", "response_format.type", "invalid_value")]
    [InlineData("""{"model":"pair","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgECAwQ=","detail":"a\ud800b"}}]}]}""", "messages[0].content[0].image_url.detail", "invalid_value")]
    [InlineData("""{"model":"pair","response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"\ud800"}}},"messages":""" + Hi + "}", "response_format.json_schema.schema", "invalid_value")]
    [InlineData("""{"model":"pair","modalities":["\udfff"],"messages":""" + Hi + "}", "modalities", "unsupported_parameter")]
    [InlineData("""{"model":"pair","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"q":{"description":"a\ud800"}}}}}],"messages":""" + Hi + "}", "tools[0].function.parameters", "invalid_value")]
    public async Task Malformed_requests_are_400s_naming_the_parameter(string body, string param, string code)
    {
        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await OpenAIErrorOf(response);
        Assert.Equal(("invalid_request_error", param, code), (error.Type, error.Param, error.Code));
        Assert.Empty(host.Upstream.Calls);
    }

    [Theory]
    [InlineData("", "invalid_json")]
    [InlineData("null", "invalid_json")]
    [InlineData("[]", "invalid_json")]
    [InlineData("\"text\"", "invalid_json")]
    [InlineData("{\"model\":\"pair\",", "invalid_json")]
    [InlineData("{\"model\":\"pair\",\"user\":" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]" + "}", "invalid_json")]
    public async Task A_body_that_is_not_a_json_object_is_a_400(string body, string code)
    {
        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await OpenAIErrorOf(response);
        Assert.Equal((code, null), (error.Code, error.Param));
    }

    [Fact]
    public async Task A_string_that_is_not_utf8_is_a_400_naming_it()
    {
        using var response = await PostAsync("{\"model\":\"pa\xffir\",\"messages\":" + Hi + "}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("model", (await OpenAIErrorOf(response)).Param);
    }

    [Fact]
    public async Task A_schema_name_that_is_not_utf8_is_a_400_naming_it()
    {
        // bench/fuzz case 309230 of 1,000,000 ("answer" and the byte 0x80): it was a 500.
        using var response = await PostAsync("{\"model\":\"pair\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\x80\",\"schema\":{\"type\":\"object\"}}},\"messages\":" + Hi + "}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("response_format.json_schema.name", (await OpenAIErrorOf(response)).Param);
    }

    [Fact]
    public async Task More_tools_than_allowed_is_a_400_on_tools()
    {
        using var response = await PostAsync($$"""{"model":"pair","tools":[{{string.Join(",", Enumerable.Repeat("null", 129))}}],"messages":{{Hi}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("tools", (await OpenAIErrorOf(response)).Param);
    }

    [Fact]
    public async Task An_unknown_model_group_is_a_404_before_admission_and_burns_no_rpm()
    {
        // "noisy" may make 3 requests a minute: five for a model that does not exist must not use them.
        for (var i = 0; i < 5; i++)
        {
            using var unknown = await PostAsync($$"""{"model":"no-such-group-{{i}}","messages":{{Hi}}}""", "noisy-key");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            var error = await OpenAIErrorOf(unknown);
            Assert.Equal(("invalid_request_error", "model_not_found", "model"), (error.Type, error.Code, error.Param));
        }

        for (var i = 0; i < 3; i++)
        {
            using var served = await PostAsync($$"""{"model":"pair","messages":{{Hi}}}""", "noisy-key");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
    }

    [Fact]
    public async Task Max_tokens_above_the_groups_maximum_is_a_400_before_admission_and_burns_no_rpm()
    {
        // "pair" = east (MaxOutputTokens 8192) + west (an unknown model family: 32,768): the group takes 8,192.
        foreach (var maxTokens in new[] { "8193", "2147483647" })
        {
            using var refused = await PostAsync($$"""{"model":"pair","max_tokens":{{maxTokens}},"messages":{{Hi}}}""", "noisy-key");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = await OpenAIErrorOf(refused);
            Assert.Equal(("max_tokens", "invalid_value"), (error.Param, error.Code));
            Assert.Contains("at most 8192", error.Message);
        }

        using var refusedCompletion = await PostAsync($$"""{"model":"pair","max_completion_tokens":8193,"messages":{{Hi}}}""", "noisy-key");
        Assert.Equal("max_completion_tokens", (await OpenAIErrorOf(refusedCompletion)).Param);

        using var atTheLimit = await PostAsync($$"""{"model":"pair","max_tokens":8192,"messages":{{Hi}}}""", "noisy-key");
        using var soloTakesMore = await PostAsync($$"""{"model":"solo","max_tokens":8193,"messages":{{Hi}}}""", "noisy-key");
        using var soloAtItsLimit = await PostAsync($$"""{"model":"solo","max_tokens":32768,"messages":{{Hi}}}""", "noisy-key");

        Assert.Equal(HttpStatusCode.OK, atTheLimit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, soloTakesMore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, soloAtItsLimit.StatusCode);
        Assert.Equal(["model-east", "model-west", "model-west"], host.Upstream.Calls);
    }

    [Fact]
    public async Task Metrics_label_an_unknown_model_unknown_never_with_the_clients_string()
    {
        var raw = $"attacker-{Guid.NewGuid():N}";
        var labels = new ConcurrentBag<(string? Model, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RouterTelemetry.SourceName && instrument.Name == "switchyard.router.requests")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? model = null, outcome = null;
            foreach (var tag in tags)
            {
                model = tag.Key == "gen_ai.request.model" ? tag.Value as string : model;
                outcome = tag.Key == "switchyard.outcome" ? tag.Value as string : outcome;
            }

            labels.Add((model, outcome));
        });
        listener.Start();

        using var unknown = await PostAsync($$"""{"model":"{{raw}}","messages":{{Hi}}}""");
        using var invalid = await PostAsync($$"""{"model":"{{raw}}","messages":[null]}""");
        using var known = await PostAsync($$"""{"model":"pair","messages":[null]}""");

        Assert.DoesNotContain(labels, l => l.Model == raw);
        Assert.Contains(("unknown", "model_not_found"), labels);
        Assert.Contains(("unknown", "invalid_type"), labels);
        Assert.Contains(("pair", "invalid_type"), labels);
    }

    [Fact]
    public async Task A_body_that_starts_with_a_utf8_byte_order_mark_is_read_as_its_json()
    {
        // JSON readers skip it (as JsonDocument read from a stream always did): some clients' encoders write one.
        using var response = await PostAsync("\u00EF\u00BB\u00BF" + """{"model":"pair","messages":""" + Hi + "}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string key = "test-key")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new ByteArrayContent(Encoding.Latin1.GetBytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _client.SendAsync(request);
    }

    private static async Task<OpenAIError> OpenAIErrorOf(HttpResponseMessage response) =>
        OpenAIError.Parse(await response.Content.ReadAsStringAsync());
}
