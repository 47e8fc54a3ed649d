using System.Diagnostics;
using System.Text;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests;

/// <summary>What the Aspire dashboard shows for a request: spans, GenAI attributes and decision events.</summary>
[Collection(nameof(RouterHostCollection))]
public sealed class RouterTelemetryTests(RouterHost host) : IDisposable
{
    private readonly RouterSpans _spans = new();

    [Fact]
    public async Task A_failover_shows_as_a_request_span_with_attempt_spans_and_a_decision_event()
    {
        await host.ResetAsync();
        host.Upstream.Fail("model-east", FailureKind.Unavailable);
        try
        {
            using var client = host.CreateClient();
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"pair","messages":[{"role":"user","content":"secret prompt"}]}""", Encoding.UTF8, "application/json"));
            var traceId = response.Headers.GetValues("x-switchyard-trace-id").Single();

            var request = await _spans.RequestSpanAsync(traceId);
            var spans = _spans.Stopped.Where(a => a.TraceId.ToHexString() == traceId).ToList();
            // One server span per request: ASP.NET Core's, named and tagged by the Router.
            Assert.Same(request, Assert.Single(spans, s => s.Kind == ActivityKind.Server));
            Assert.Equal("chat pair", request.DisplayName);
            Assert.Equal("/v1/chat/completions", request.GetTagItem("http.route"));
            Assert.Equal("chat", request.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("pair", request.GetTagItem("gen_ai.request.model"));
            Assert.Equal("model-west", request.GetTagItem("gen_ai.response.model"));
            Assert.Equal(5L, request.GetTagItem("gen_ai.usage.input_tokens"));
            Assert.Equal(7L, request.GetTagItem("gen_ai.usage.output_tokens"));
            Assert.Null(request.GetTagItem("gen_ai.input.messages")); // prompts stay out unless enabled
            var failover = Assert.Single(request.Events, e => e.Name == "switchyard.failover");
            Assert.Equal("east", failover.Tags.Single(t => t.Key == "switchyard.deployment").Value);

            var attempts = spans.Where(s => s.ParentSpanId == request.SpanId).OrderBy(s => s.StartTimeUtc).ToList();
            Assert.Equal(["chat model-east", "chat model-west"], attempts.Select(a => a.DisplayName));
            Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
            Assert.Equal("scripted", attempts[1].GetTagItem("gen_ai.provider.name"));
            Assert.Equal(2, attempts[1].GetTagItem("switchyard.attempt"));
        }
        finally
        {
            host.Upstream.Succeed("model-east");
        }
    }

    [Theory]
    [InlineData("/v1/messages", """{"model":"pair","max_tokens":64,"messages":[{"role":"user","content":"hello"}]}""")]
    [InlineData("/model/pair/converse", """{"messages":[{"role":"user","content":[{"text":"hello"}]}],"inferenceConfig":{"maxTokens":64}}""")]
    public async Task Every_door_leaves_the_same_trace_as_the_openai_door(string path, string body)
    {
        await host.ResetAsync();
        host.Upstream.Fail("model-east", FailureKind.Unavailable);
        try
        {
            var openAI = await TraceAsync("/v1/chat/completions", """{"model":"pair","max_tokens":64,"messages":[{"role":"user","content":"hello"}]}""");
            var door = await TraceAsync(path, body);

            Assert.Equal(["chat model-east", "chat model-west", "chat pair"], door.Select(s => s.Name));
            Assert.Equal(openAI, door);
        }
        finally
        {
            host.Upstream.Succeed("model-east");
        }

        // Each span's name, status, tags and event names: everything the dashboard shows but ids, times and the HTTP
        // attributes of the request span, which name each door's own route.
        async Task<List<(string Name, ActivityStatusCode Status, string Tags, string Events)>> TraceAsync(string path, string body)
        {
            using var client = host.CreateClient();
            using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var traceId = response.Headers.GetValues("x-switchyard-trace-id").Single();
            await _spans.RequestSpanAsync(traceId);
            return [.. _spans.Stopped.Where(a => a.TraceId.ToHexString() == traceId)
                .Select(a => (a.DisplayName, a.Status,
                    string.Join(",", a.TagObjects.Where(t => !t.Key.Contains("duration", StringComparison.Ordinal) && t.Key != "switchyard.request_id" && !IsHttp(t.Key)).Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal)),
                    string.Join(",", a.Events.Select(e => e.Name))))
                .OrderBy(s => s.DisplayName, StringComparer.Ordinal)];
        }

        static bool IsHttp(string key) => key.Split('.')[0] is "http" or "url" or "server" or "network" or "user_agent" or "client";
    }

    public void Dispose() => _spans.Dispose();
}
