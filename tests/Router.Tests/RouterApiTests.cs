using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests;

[CollectionDefinition(nameof(RouterHostCollection))]
public sealed class RouterHostCollection : ICollectionFixture<RouterHost>;

/// <summary>The Router end to end in memory: front door, routing decisions, headers and errors.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class RouterApiTests : IAsyncLifetime
{
    private readonly RouterHost _host;
    private readonly HttpClient _client;

    public RouterApiTests(RouterHost host)
    {
        _host = host;
        _client = host.CreateClient();
    }

    public Task InitializeAsync() => _host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Serves_a_completion_and_says_where_it_was_served()
    {
        using var response = await ChatAsync("pair");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("model-east", body.GetProperty("model").GetString());
        Assert.Equal("answer from model-east", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(12, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("east", Header(response, "x-switchyard-deployment"));
        Assert.Equal("us-east-1", Header(response, "x-switchyard-region"));
        Assert.Equal("1", Header(response, "x-switchyard-attempts"));
        Assert.Equal("false", Header(response, "x-switchyard-fallback"));
    }

    [Fact]
    public async Task Fails_over_to_the_next_deployment_when_one_is_down()
    {
        _host.Upstream.Fail("model-east", FailureKind.Unavailable);

        using var response = await ChatAsync("pair");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal(["model-east", "model-west"], _host.Upstream.Calls);
    }

    [Fact]
    public async Task Falls_back_to_the_next_group_when_capacity_is_reached()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ChatAsync("primary")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, responses.Count(r => Header(r, "x-switchyard-deployment") == "primary-1"));
        Assert.Equal(3, responses.Count(r => Header(r, "x-switchyard-fallback") == "true" && Header(r, "x-switchyard-model-group") == "backup"));
    }

    [Fact]
    public async Task Never_retries_a_client_error()
    {
        _host.Upstream.Behaviour["model-east"] = () => new ProviderException(FailureKind.ClientError, 400, "ValidationException", "bad request");

        using var response = await ChatAsync("pair");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(_host.Upstream.Calls);
        Assert.Equal("invalid_request_error", (await ErrorOf(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Retries_a_throttled_single_deployment_with_backoff_then_succeeds()
    {
        var failures = 2;
        _host.Upstream.Behaviour["model-west"] = () => Interlocked.Decrement(ref failures) >= 0
            ? new ProviderException(FailureKind.Throttled, 429, "ThrottlingException", "slow down", TimeSpan.FromMilliseconds(10))
            : null;

        using var response = await ChatAsync("solo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3", Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task Opens_the_breaker_and_skips_a_dead_deployment_without_calling_it()
    {
        _host.Upstream.Fail("model-east", FailureKind.Unavailable);
        for (var i = 0; i < 3; i++)
        {
            (await ChatAsync("pair")).Dispose();
        }

        _host.Upstream.Calls.Clear();
        using var response = await ChatAsync("pair");

        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.Equal(["model-west"], _host.Upstream.Calls);
        var state = _host.Services.GetRequiredService<RoutingTableProvider>().States["east"];
        Assert.True(state.IsOpen);
    }

    [Fact]
    public async Task A_breaker_lets_a_probe_through_after_its_break_and_closes_when_it_succeeds()
    {
        _host.Upstream.Fail("model-east", FailureKind.Unavailable);
        for (var i = 0; i < 3; i++)
        {
            (await ChatAsync("pair")).Dispose();
        }

        var state = _host.Services.GetRequiredService<RoutingTableProvider>().States["east"];
        Assert.True(state.IsOpen);
        _host.Upstream.Succeed("model-east");
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // the test host's break duration is 2 s

        using var response = await ChatAsync("pair");

        Assert.Equal("east", Header(response, "x-switchyard-deployment"));
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, state.BreakerState);
    }

    [Fact]
    public async Task Streams_server_sent_events_ending_with_done()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""{"model":"pair","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""),
        };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("east", Header(response, "x-switchyard-deployment"));
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var content = string.Concat(events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement)
            .Where(e => e.GetProperty("choices").GetArrayLength() > 0)
            .Select(e => e.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) ? c.GetString() : ""));
        Assert.Equal("answer from model-east", content);
    }

    [Fact]
    public async Task Stream_fails_over_before_the_first_token()
    {
        _host.Upstream.Fail("model-east", FailureKind.ServerError);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""{"model":"pair","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
        };
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.EndsWith("data: [DONE]\n\n", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{not json", "invalid_json", 400)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "missing_required_parameter", 400)]
    [InlineData("""{"model":"pair","messages":[]}""", "missing_required_parameter", 400)]
    [InlineData("""{"model":"pair","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "invalid_value", 400)]
    [InlineData("""{"model":"pair","temperature":3,"messages":[{"role":"user","content":"hi"}]}""", "invalid_value", 400)]
    [InlineData("""{"model":"pair","messages":[{"role":"robot","content":"hi"}]}""", "invalid_value", 400)]
    [InlineData("""{"model":"no-such-group","messages":[{"role":"user","content":"hi"}]}""", "model_not_found", 404)]
    public async Task Bad_input_gets_an_openai_error_and_never_goes_upstream(string body, string code, int status)
    {
        using var response = await _client.PostAsync("/v1/chat/completions", Json(body));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await ErrorOf(response)).GetProperty("code").GetString());
        Assert.Empty(_host.Upstream.Calls);
    }

    [Fact]
    public async Task Oversized_body_gets_413()
    {
        var big = new string('x', 5000);
        using var response = await _client.PostAsync("/v1/chat/completions", Json($$"""{"model":"pair","messages":[{"role":"user","content":"{{big}}"}]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Lists_model_groups()
    {
        var models = await _client.GetFromJsonAsync<JsonElement>("/v1/models");

        Assert.Equal(["backup", "claude", "nova", "pair", "primary", "solo"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Admin_reset_requires_the_admin_key()
    {
        using var response = await _client.PostAsync("/admin/reset", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private Task<HttpResponseMessage> ChatAsync(string model) =>
        _client.PostAsync("/v1/chat/completions", Json($$"""{"model":"{{model}}","max_tokens":50,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}"""));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
}
