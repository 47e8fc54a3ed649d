using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests.Anthropic;

/// <summary>
/// The Anthropic Messages door over HTTP: the same core as the OpenAI door (admission, routing with
/// failover, x-switchyard-* headers), Anthropic's answer and event shapes, and every error in Anthropic's
/// shape with Anthropic's error type for the status.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class MessagesApiTests(RouterHost host) : IAsyncLifetime
{
    private const string Hello = """{"model":"pair","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""";

    private readonly HttpClient _client = host.CreateClient();

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/v1/messages")]
    [InlineData("/messages")]
    [InlineData("/v1/messages?beta=true")]
    public async Task A_message_is_answered_in_anthropics_shape_naming_the_model_that_served(string path)
    {
        using var response = await _client.PostAsync(path, Json(Hello));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("msg_", message.GetProperty("id").GetString());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("model-east", message.GetProperty("model").GetString());
        var block = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        Assert.Equal("answer from model-east", block.GetProperty("text").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        Assert.Equal(5, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(7, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("east", Header(response, "x-switchyard-deployment"));
        Assert.Equal("pair", Header(response, "x-switchyard-model-group"));
        Assert.Equal("1", Header(response, "x-switchyard-attempts"));
        Assert.NotNull(Header(response, "x-switchyard-trace-id"));
    }

    [Fact]
    public async Task The_key_may_come_as_x_api_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = Json(Hello) };
        request.Headers.Authorization = null;
        request.Headers.Add("x-api-key", "test-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("anthropic-beta", "some-future-beta-2099-01-01,prompt-caching-2024-07-31");
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, "authentication_error")]
    [InlineData("wrong-key", "authentication_error")]
    public async Task A_missing_or_unknown_key_is_a_401_authentication_error(string? key, string type)
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        using var response = await client.PostAsync("/v1/messages", Json(Hello));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(type, (await ErrorOf(response)).Type);
    }

    [Theory]
    [InlineData("""{"model":"no-such-group","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""", 404, "not_found_error", "no-such-group")]
    [InlineData("""{"model":"pair","messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "max_tokens: Field required")]
    [InlineData("""{"model":"pair","max_tokens":9000,"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "max_tokens: 9000 > 8192")]
    [InlineData("""{"model":"pair","max_tokens":8,"messages":[{"role":"robot","content":"hi"}]}""", 400, "invalid_request_error", "messages[0].role")]
    [InlineData("""{"model":"pair","max_tokens":8,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"%%%"}}]}]}""", 400, "invalid_request_error", "messages[0].content[0].source.data")]
    [InlineData("""{"model":"pair","max_tokens":8,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "temperature")]
    [InlineData("""{"model":"pair","max_tokens":"8","messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "max_tokens")]
    [InlineData("""{"model":"pair","max_tokens":8,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error", "tools[0].type")]
    [InlineData("""[1,2]""", 400, "invalid_request_error", "JSON object")]
    public async Task Bad_requests_get_anthropics_error_type_for_their_status(string body, int status, string type, string mentions)
    {
        using var response = await _client.PostAsync("/v1/messages", Json(body));

        Assert.Equal(status, (int)response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal(type, error.Type);
        Assert.Contains(mentions, error.Message);
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_request_too_large()
    {
        var body = $$"""{"model":"pair","max_tokens":8,"messages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}""";

        using var response = await _client.PostAsync("/v1/messages", Json(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await ErrorOf(response)).Type);
    }

    [Fact]
    public async Task An_unexpected_exception_under_the_door_is_a_generic_500_api_error()
    {
        // As ErrorResponseTests does for the OpenAI door: the unexpected exception comes from the tenant store.
        await using var app = host.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton(DispatchProxy.Create<ITenantAdmission, ErrorResponseTests.ThrowingAdmission>())));

        using var response = await app.CreateClient().PostAsync("/v1/messages", Json(Hello));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", body);
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("api_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(Assert.Single(response.Headers.GetValues("x-switchyard-trace-id")), error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_body_growing_past_the_limit_without_content_length_is_kestrels_413_in_anthropics_shape()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = Json($$"""{"model":"pair","max_tokens":8,"messages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}"""),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await ErrorOf(response)).Type);
    }

    [Theory]
    [InlineData("GET", "/v1/messages", 405)]
    [InlineData("POST", "/v1/messages/batches", 404)]
    [InlineData("POST", "/messages/nothing", 404)]
    public async Task Unknown_paths_and_methods_under_the_door_are_answered_in_anthropics_shape(string method, string path, int status)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(Hello) });

        Assert.Equal(status, (int)response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal(status == 404 ? "not_found_error" : "invalid_request_error", error.Type);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task A_tenant_over_its_limit_gets_a_429_rate_limit_error_with_retry_after()
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "noisy-key");
        for (var i = 0; i < 3; i++)
        {
            using var served = await client.PostAsync("/v1/messages", Json(Hello));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using var response = await client.PostAsync("/v1/messages", Json(Hello));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit_error", (await ErrorOf(response)).Type);
        Assert.True(int.Parse(Header(response, "retry-after")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("false", Header(response, "x-should-retry"));
    }

    [Fact]
    public async Task When_no_deployment_can_serve_the_answer_is_a_529_overloaded_error()
    {
        host.Upstream.Fail("model-west", FailureKind.ServerError);

        using var response = await _client.PostAsync("/v1/messages", Json(Hello.Replace("pair", "solo", StringComparison.Ordinal)));

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("overloaded_error", (await ErrorOf(response)).Type);
    }

    [Fact]
    public async Task A_request_whose_first_region_is_out_is_served_by_failover()
    {
        host.Upstream.Fail("model-east", FailureKind.ServerError);

        using var response = await _client.PostAsync("/v1/messages", Json(Hello));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("model-west", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString());
        Assert.Equal("us-west-2", Header(response, "x-switchyard-region"));
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal(["model-east", "model-west"], host.Upstream.Calls);
    }

    [Fact]
    public async Task A_stream_follows_anthropics_event_sequence()
    {
        using var response = await _client.PostAsync("/v1/messages", Json(Hello.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("east", Header(response, "x-switchyard-deployment"));
        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        Assert.Equal("model-east", events[0].Data.GetProperty("message").GetProperty("model").GetString());
        Assert.Equal("answer from model-east", string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));
        var delta = events[^2].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(7, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(5, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task A_streamed_tool_call_is_a_tool_use_block_with_its_input_as_json_delta()
    {
        host.Upstream.Streams["model-east"] = _ => Updates(
            new ChatResponseUpdate(ChatRole.Assistant, "Let me look."),
            new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "lookup", new Dictionary<string, object?> { ["q"] = "weather" })]),
            new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { FinishReason = ChatFinishReason.ToolCalls });

        using var response = await _client.PostAsync("/v1/messages", Json(Hello.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal)));

        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        var toolStart = events[5].Data;
        Assert.Equal(1, toolStart.GetProperty("index").GetInt32());
        Assert.Equal("tool_use", toolStart.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("toolu_1", toolStart.GetProperty("content_block").GetProperty("id").GetString());
        Assert.Equal("input_json_delta", events[6].Data.GetProperty("delta").GetProperty("type").GetString());
        Assert.Equal("""{"q":"weather"}""", events[6].Data.GetProperty("delta").GetProperty("partial_json").GetString());
        Assert.Equal("tool_use", events[8].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task An_upstream_failing_mid_stream_ends_the_stream_with_an_error_event()
    {
        host.Upstream.Streams["model-east"] = _ => Cut();

        using var response = await _client.PostAsync("/v1/messages", Json(Hello.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal(["message_start", "ping", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Name));
        var error = events[^1].Data;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("api_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("failed after tokens were sent", error.GetProperty("error").GetProperty("message").GetString());

        static async IAsyncEnumerable<ChatResponseUpdate> Cut()
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "partial ");
            await Task.Yield();
            throw new ProviderException(FailureKind.ServerError, 200, "StreamBroken", "connection reset");
        }
    }

    [Fact]
    public async Task Count_tokens_answers_the_routers_estimate_without_calling_a_model()
    {
        var body = """{"model":"pair","system":"Be brief.","messages":[{"role":"user","content":"Hello there, how are you today?"}]}""";

        using var response = await _client.PostAsync("/v1/messages/count_tokens", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // (9 + 31) characters / 4 + 2 messages.
        Assert.Equal(12, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("input_tokens").GetInt64());
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task Count_tokens_refuses_an_unknown_model_in_anthropics_shape()
    {
        using var response = await _client.PostAsync("/v1/messages/count_tokens", Json("""{"model":"nope","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found_error", (await ErrorOf(response)).Type);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(params ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }

    internal static List<(string Name, JsonElement Data)> ParseEvents(string body)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var item in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = item.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            events.Add((lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone()));
        }

        return events;
    }

    private static async Task<(string Type, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", body.GetProperty("type").GetString());
        var error = body.GetProperty("error");
        return (error.GetProperty("type").GetString()!, error.GetProperty("message").GetString()!);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;
}
