using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests;

/// <summary>
/// Every way a request ends, ended once by its lifetime: the span stops with the outcome, capacity is
/// settled, the tenant is charged, and a client still listening to a stream gets an error event.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class RequestLifetimeTests : IAsyncLifetime
{
    private const string Prompt = """[{"role":"user","content":"hi"}]""";

    private readonly RouterHost _host;
    private readonly RouterSpans _spans = new();

    public RequestLifetimeTests(RouterHost host)
    {
        _host = host;
    }

    public Task InitializeAsync() => _host.ResetAsync();

    public Task DisposeAsync()
    {
        _spans.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_ends_the_span_cancels_upstream_and_is_charged_for_what_was_streamed()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const string sent = "0123456789abcdefghij0123456789abcdefghij"; // 40 characters: 10 tokens at 4 a token
        _host.Upstream.Streams["model-primary"] = cancellation => ScriptedProvider.Stall(sent, upstreamCancelled, cancellation);

        // A real socket, so that closing it is what Kestrel sees.
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        using var request = StreamRequest("primary", "test-key");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var traceId = Header(response, "x-switchyard-trace-id");
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var firstEvent = await reader.ReadLineAsync();
        Assert.Contains(sent, firstEvent);
        response.Dispose(); // the client leaves before [DONE]

        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var span = await _spans.RequestSpanAsync(traceId);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("client_closed", span.GetTagItem("switchyard.outcome"));
        // Charged: the prompt's estimate (1 token for "hi") and the 10 tokens streamed, as no usage came.
        Assert.Equal(1L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(10L, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(true, span.GetTagItem("switchyard.usage_estimated"));

        var store = _host.Services.GetRequiredService<TenantStore>();
        var usage = await Eventually.ReadAsync(() => store.GetUsageAsync("test"), u => u?.TokensLastMinute == 11 && u.ActiveLeases == 0);
        Assert.Equal((1, 11), (usage!.RequestsLastMinute, usage.TokensToday));
        // The deployment's window held the reservation (50 max tokens + 1 for the prompt): settled to the 11 used.
        Assert.Equal((1, 11), await Eventually.ReadAsync(() => CapacityWindow.ReadAsync(_host.Services, "primary-1"), window => window == (1, 11)));
    }

    [Fact]
    public async Task The_overall_deadline_mid_stream_ends_it_with_an_error_event_and_no_done()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Upstream.Streams["model-west"] = cancellation => Trickle(upstreamCancelled, cancellation);
        await using var app = await WithTimeoutsAsync(overall: TimeSpan.FromSeconds(2), streamIdle: TimeSpan.FromSeconds(1));

        var started = Stopwatch.GetTimestamp();
        var (events, traceId) = await StreamAsync(app, "solo");

        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        var ticks = events.Count(e => e.Contains("tick"));
        Assert.True(ticks >= 3, "ticks arrived up to the deadline");
        var error = ErrorEvent(events);
        Assert.Equal("deadline_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("timeout", error.GetProperty("type").GetString());
        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var span = await _spans.RequestSpanAsync(traceId);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("deadline_exceeded", span.GetTagItem("switchyard.outcome"));
        Assert.Equal((ticks * "tick ".Length + 3L) / 4, span.GetTagItem("gen_ai.usage.output_tokens")); // what was streamed, rounded up
    }

    [Fact]
    public async Task The_overall_deadline_before_the_first_token_is_a_504_and_settles_what_the_attempt_reserved()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Upstream.Streams["model-primary"] = cancellation => ScriptedProvider.Stall(null, upstreamCancelled, cancellation);
        await using var app = await WithTimeoutsAsync(overall: TimeSpan.FromSeconds(1), streamIdle: TimeSpan.FromSeconds(30));
        using var client = app.CreateClient();

        using var response = await client.SendAsync(StreamRequest("primary", "test-key"));

        Assert.True(response.StatusCode == HttpStatusCode.GatewayTimeout,
            $"{(int)response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync()}");
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("deadline_exceeded", error.GetProperty("code").GetString());
        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["model-primary"], _host.Upstream.Calls); // a deadline is no reason to fall back
        Assert.Equal("deadline_exceeded", (await _spans.RequestSpanAsync(Header(response, "x-switchyard-trace-id"))).GetTagItem("switchyard.outcome"));
        // One request counted on the deployment, its reserved tokens given back; the tenant's lease released (no usage to settle).
        Assert.Equal((1, 0), await Eventually.ReadAsync(() => CapacityWindow.ReadAsync(_host.Services, "primary-1"), window => window == (1, 0)));
        var store = _host.Services.GetRequiredService<TenantStore>();
        var usage = await Eventually.ReadAsync(() => store.GetUsageAsync("test"), u => u?.ActiveLeases == 0);
        Assert.Equal((1, 0), (usage!.RequestsLastMinute, usage.ActiveLeases));
    }

    [Fact]
    public async Task An_upstream_silent_between_chunks_is_cut_at_the_idle_timeout_with_an_error_event()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Upstream.Streams["model-west"] = cancellation => ScriptedProvider.Stall("first words ", upstreamCancelled, cancellation);
        await using var app = await WithTimeoutsAsync(overall: TimeSpan.FromSeconds(30), streamIdle: TimeSpan.FromSeconds(1));

        var started = Stopwatch.GetTimestamp();
        var (events, traceId) = await StreamAsync(app, "solo");

        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Contains("first words", events[0]);
        var error = ErrorEvent(events);
        Assert.Equal("stream_idle_timeout", error.GetProperty("code").GetString());
        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var span = await _spans.RequestSpanAsync(traceId);
        Assert.Equal("stream_idle_timeout", span.GetTagItem("switchyard.outcome"));
        Assert.Equal(3L, span.GetTagItem("gen_ai.usage.output_tokens")); // "first words " is 12 characters
    }

    [Fact]
    public async Task A_whole_answer_whose_upstream_stalls_after_its_first_token_fails_over_as_nothing_reached_the_client()
    {
        await using var app = await WithTimeoutsAsync(overall: TimeSpan.FromSeconds(30), streamIdle: TimeSpan.FromSeconds(1));
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Upstream.Streams["model-east"] = cancellation => ScriptedProvider.Stall("first words ", upstreamCancelled, cancellation);
        using var client = app.CreateClient();

        // The whole answer is fetched as a stream: the stall (1 s here, within the 2 s attempt deadline) is seen mid-answer.
        using var response = await client.PostAsync("/v1/chat/completions", Json($$"""{"model":"pair","messages":{{Prompt}}}"""));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.Equal("answer from model-west", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var span = await _spans.RequestSpanAsync(Header(response, "x-switchyard-trace-id"));
        var stalled = Assert.Single(_spans.Stopped, s => s.ParentSpanId == span.SpanId && s.DisplayName == "chat model-east");
        Assert.Equal("StreamStalled", stalled.GetTagItem("error.type"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_provider_throwing_an_unexpected_exception_before_the_first_token_fails_over(bool stream)
    {
        _host.Upstream.Behaviour["model-east"] = () => new InvalidOperationException("secret: Password=hunter2");
        using var client = _host.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", Json(
            $$"""{"model":"pair","stream":{{(stream ? "true" : "false")}},"messages":{{Prompt}}}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal(["model-east", "model-west"], _host.Upstream.Calls);
        Assert.DoesNotContain("hunter2", body);
        if (stream)
        {
            Assert.EndsWith("data: [DONE]\n\n", body);
        }

        var span = await _spans.RequestSpanAsync(Header(response, "x-switchyard-trace-id"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal("success", span.GetTagItem("switchyard.outcome"));
        var failed = Assert.Single(_spans.Stopped, s => s.ParentSpanId == span.SpanId && s.DisplayName == "chat model-east");
        // The provider boundary classifies it (ProviderBoundaryChatClient); the original text stays on the attempt span only.
        Assert.Equal("UnexpectedError", failed.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Unexpected_exceptions_count_on_the_breaker()
    {
        _host.Upstream.Behaviour["model-east"] = () => new FormatException("not JSON");
        using var client = _host.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions", Json($$"""{"model":"pair","messages":{{Prompt}}}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(_host.Services.GetRequiredService<RoutingTableProvider>().States["east"].IsOpen);
    }

    public static TheoryData<string> MidStreamFailures => ["provider", "unexpected"];

    [Theory]
    [MemberData(nameof(MidStreamFailures))]
    public async Task A_provider_failing_mid_stream_ends_it_with_an_error_event_and_charges_what_was_streamed(string kind)
    {
        Exception failure = kind == "provider"
            ? new ProviderException(FailureKind.ServerError, 0, "modelStreamErrorException", "secret: Password=hunter2")
            : new InvalidOperationException("secret: Password=hunter2");
        _host.Upstream.Streams["model-east"] = _ => FailAfter("abcdefgh", failure);

        var (events, traceId) = await StreamAsync(_host, "pair");

        Assert.Contains("abcdefgh", events[0]);
        var error = ErrorEvent(events);
        Assert.Equal("stream_interrupted", error.GetProperty("code").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Contains(traceId, error.GetProperty("message").GetString());
        Assert.DoesNotContain(events, e => e.Contains("hunter2"));
        var span = await _spans.RequestSpanAsync(traceId);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("stream_interrupted", span.GetTagItem("switchyard.outcome"));
        Assert.Equal(2L, span.GetTagItem("gen_ai.usage.output_tokens")); // 8 characters streamed
        Assert.Contains(span.Events, e => e.Name == "switchyard.stream_failed_after_first_token");
    }

    [Fact]
    public async Task An_update_the_router_cannot_map_mid_stream_ends_it_with_a_generic_error_event()
    {
        _host.Upstream.Streams["model-east"] = _ => Updates(
            new ChatResponseUpdate(ChatRole.Assistant, "abcd"),
            new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("call-1", "lookup", new Dictionary<string, object?> { ["value"] = new Unmappable() })]));

        var (events, traceId) = await StreamAsync(_host, "pair");

        Assert.Contains("abcd", events[0]);
        var error = ErrorEvent(events);
        Assert.Equal("internal_error", error.GetProperty("code").GetString());
        Assert.Contains(traceId, error.GetProperty("message").GetString());
        Assert.DoesNotContain(events, e => e.Contains("hunter2"));
        var span = await _spans.RequestSpanAsync(traceId);
        Assert.Equal("server_error", span.GetTagItem("switchyard.outcome"));
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(1L, span.GetTagItem("gen_ai.usage.output_tokens")); // the 4 characters streamed
    }

    /// <summary>
    /// The Router with tight deadlines, warmed up by one request of another tenant so that its start
    /// (store connection, first admission) does not eat into the deadline under test.
    /// </summary>
    private async Task<WebApplicationFactory<Program>> WithTimeoutsAsync(TimeSpan overall, TimeSpan streamIdle)
    {
        var app = _host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routing:Timeouts:Overall"] = overall.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Routing:Timeouts:StreamIdle"] = streamIdle.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            // These tests are about the overall and idle deadlines: keep the adaptive first-token deadline
            // (1 s floor once a deployment has history from earlier tests) from racing them to a failover.
            ["Routing:ResponseTime:FirstToken:Floor"] = "00:00:08",
        })));
        using var client = app.CreateClient();
        using var warmUp = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json($$"""{"model":"pair","messages":{{Prompt}}}""") };
        warmUp.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "steady-key");
        using (var response = await client.SendAsync(warmUp))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        _host.Upstream.Calls.Clear();
        return app;
    }

    /// <summary>Streams a request to its end and splits the body into its events.</summary>
    private static async Task<(string[] Events, string TraceId)> StreamAsync(WebApplicationFactory<Program> app, string model)
    {
        using var client = app.CreateClient();
        using var request = StreamRequest(model, "test-key");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("[DONE]", body);
        return (body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries), Header(response, "x-switchyard-trace-id"));
    }

    /// <summary>The stream's last event, which must be an OpenAI-style error.</summary>
    private static JsonElement ErrorEvent(string[] events)
    {
        Assert.StartsWith("data: {", events[^1]);
        return JsonDocument.Parse(events[^1]["data: ".Length..]).RootElement.GetProperty("error");
    }




    private static async IAsyncEnumerable<ChatResponseUpdate> Trickle(TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken cancellation)
    {
        while (true)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "tick ");
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FailAfter(string text, Exception failure)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        await Task.Yield();
        throw failure;
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(params ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }

    /// <summary>A tool-call argument whose serialization fails with a message that must not reach the client.</summary>
    private sealed class Unmappable
    {
        public string Value => throw new InvalidOperationException("secret: Password=hunter2");
    }

    private static HttpRequestMessage StreamRequest(string model, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json($$"""{"model":"{{model}}","stream":true,"max_tokens":50,"messages":{{Prompt}}}"""),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();
}
