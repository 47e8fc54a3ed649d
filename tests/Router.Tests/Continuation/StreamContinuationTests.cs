using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Switchyard.Admission;

namespace Switchyard.Router.Tests.Continuation;

/// <summary>
/// Mid-stream continuation end to end: the Router over the real Bedrock emulator, whose <c>stream-cut</c>
/// fault cuts every stream served in us-east-1 after a number of events. Groups: "continued" (east, then
/// west, same model, continuation on), "uncontinued" (the same without it), "alone" (east only, on).
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class StreamContinuationTests : IClassFixture<EmulatedBedrock>, IAsyncLifetime
{
    private const string Model = "anthropic.claude-haiku-4-5-20251001-v1:0";

    private readonly RouterHost _host;
    private readonly EmulatedBedrock _bedrock;
    private readonly WebApplicationFactory<Program> _router;
    private readonly RouterSpans _spans = new();

    public StreamContinuationTests(RouterHost host, EmulatedBedrock bedrock)
    {
        _host = host;
        _bedrock = bedrock;
        var settings = new Dictionary<string, string?>(
            [.. bedrock.RouterSettings(), .. EmulatedBedrock.Deployment("haiku-east", "us-east-1", Model), .. EmulatedBedrock.Deployment("haiku-west", "us-west-2", Model)])
        {
            ["Routing:ModelGroups:continued:Deployments:0"] = "haiku-east",
            ["Routing:ModelGroups:continued:Deployments:1"] = "haiku-west",
            ["Routing:ModelGroups:continued:ContinueStreams"] = "true",
            ["Routing:ModelGroups:uncontinued:Deployments:0"] = "haiku-east",
            ["Routing:ModelGroups:uncontinued:Deployments:1"] = "haiku-west",
            ["Routing:ModelGroups:alone:Deployments:0"] = "haiku-east",
            ["Routing:ModelGroups:alone:ContinueStreams"] = "true",
        };
        foreach (var name in new[] { "haiku-east", "haiku-west" })
        {
            // Limits far away, so that capacity is counted (and its settlement visible) but never in the way.
            settings[$"Routing:Deployments:{name}:Rpm"] = "100000";
            settings[$"Routing:Deployments:{name}:Tpm"] = "100000000";
        }

        _router = host.WithSettings(settings);
    }

    public async Task InitializeAsync()
    {
        await _host.ResetAsync();
        await _bedrock.ResetAsync();
        using var client = _router.CreateClient();
        using var reset = new HttpRequestMessage(HttpMethod.Post, "/admin/reset");
        reset.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RouterHost.AdminKey);
        (await client.SendAsync(reset)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _spans.Dispose();
        await _router.DisposeAsync();
    }

    [Fact]
    public async Task Streams_cut_after_their_first_tokens_reach_the_client_whole_with_the_uncut_token_counts()
    {
        // 24 answers, each cut at another point (after 1 to 8 text deltas): every one must read as its uncut run.
        var prompts = Enumerable.Range(0, 24).Select(i => $"Question {i}: which rivers cross the plain of the north?").ToList();
        var uncut = new List<Streamed>();
        foreach (var prompt in prompts)
        {
            uncut.Add(await StreamAsync("continued", prompt));
        }

        for (var i = 0; i < prompts.Count; i++)
        {
            await _bedrock.ResetAsync();
            await _bedrock.AddFaultAsync(new { kind = "stream-cut", region = "us-east-1", afterEvents = 2 + (i % 8) });

            var cut = await StreamAsync("continued", prompts[i]);

            Assert.Null(cut.Error);
            Assert.True(cut.Done);
            Assert.Equal(uncut[i].Text, cut.Text);
            Assert.Equal((uncut[i].PromptTokens, uncut[i].CompletionTokens), (cut.PromptTokens, cut.CompletionTokens));
            Assert.Equal("stop", cut.FinishReason);
            Assert.Equal((true, 1), (cut.Continued, cut.Continuations));
            Assert.Equal((false, 0), (uncut[i].Continued, uncut[i].Continuations));
            Assert.Equal("haiku-east", cut.Deployment);
        }

        // Some cuts fell after a space, which a prefill may not end on: those were continued too.
        Assert.Contains(Enumerable.Range(0, prompts.Count), i => char.IsWhiteSpace(uncut[i].Text[(12 * (1 + (i % 8))) - 1]));
    }

    [Fact]
    public async Task A_continued_stream_settles_each_deployments_capacity_once_and_charges_the_tenant_the_uncut_answer()
    {
        const string prompt = "Tell me about the harbour towns of the south coast.";
        var uncut = await StreamAsync("continued", prompt);
        await _host.ResetAsync();
        await ResetCapacityAsync();
        // messageStart and three deltas of 12 characters (3 tokens) each reach the client, then the cut.
        await _bedrock.AddFaultAsync(new { kind = "stream-cut", region = "us-east-1", afterEvents = 4 });

        var cut = await StreamAsync("continued", prompt);

        Assert.Equal(uncut.Text, cut.Text);
        var prefix = uncut.Text[..36];
        var prefill = prefix.TrimEnd();
        var prefillTokens = (prefill.Length + 3) / 4;
        // The cut deployment: the prompt and the 9 tokens it streamed (no usage came: both estimated as the emulator counts).
        (long, long) east = (1, uncut.PromptTokens + 9);
        Assert.Equal(east, await Eventually.ReadAsync(() => CapacityWindow.ReadAsync(_host.Services, "haiku-east"), w => w == east));
        // The continuing one: the prompt with the prefill, and the rest of the answer, as it reported them.
        (long, long) west = (1, uncut.PromptTokens + prefillTokens + (uncut.CompletionTokens - prefillTokens));
        Assert.Equal(west, await Eventually.ReadAsync(() => CapacityWindow.ReadAsync(_host.Services, "haiku-west"), w => w == west));
        // The tenant: once, for the prompt and the whole answer, as if the stream had never been cut.
        var store = _host.Services.GetRequiredService<TenantStore>();
        var usage = await Eventually.ReadAsync(() => store.GetUsageAsync("test"), u => u?.ActiveLeases == 0 && u.TokensLastMinute > 0);
        Assert.Equal(uncut.PromptTokens + uncut.CompletionTokens, usage!.TokensLastMinute);
        Assert.Equal(1, usage.RequestsLastMinute);

        var span = await _spans.RequestSpanAsync(cut.TraceId);
        Assert.Equal("success", span.GetTagItem("switchyard.outcome"));
        Assert.Equal(1, span.GetTagItem("switchyard.continuations"));
        Assert.Equal((long)(uncut.PromptTokens + prefillTokens), span.GetTagItem("switchyard.continuation.input_tokens"));
        Assert.Equal((long)uncut.CompletionTokens, span.GetTagItem("gen_ai.usage.output_tokens"));
        var started = Assert.Single(span.Events, e => e.Name == "switchyard.stream_continuation");
        Assert.Equal("haiku-east", started.Tags.Single(t => t.Key == "switchyard.deployment").Value);
        Assert.Equal(36, started.Tags.Single(t => t.Key == "switchyard.continuation.prefill_chars").Value);
        var continued = Assert.Single(span.Events, e => e.Name == "switchyard.stream_continued");
        Assert.Equal("haiku-west", continued.Tags.Single(t => t.Key == "switchyard.deployment").Value);
    }

    [Fact]
    public async Task Without_continuation_a_cut_stream_ends_on_the_error_event_as_before()
    {
        await _bedrock.AddFaultAsync(new { kind = "stream-cut", region = "us-east-1", afterEvents = 4 });

        var cut = await StreamAsync("uncontinued", "Where do the swallows go in winter?");

        Assert.Equal("stream_interrupted", cut.Error);
        Assert.False(cut.Done);
        Assert.Equal(36, cut.Text.Length);
        Assert.False(cut.Continued);
        var span = await _spans.RequestSpanAsync(cut.TraceId);
        Assert.DoesNotContain(span.Events, e => e.Name.StartsWith("switchyard.stream_continu", StringComparison.Ordinal));
        Assert.Equal((0, 0L), await CapacityWindow.ReadAsync(_host.Services, "haiku-west"));
    }

    [Fact]
    public async Task With_no_other_deployment_of_the_model_the_error_event_stays()
    {
        await _bedrock.AddFaultAsync(new { kind = "stream-cut", region = "us-east-1", afterEvents = 4 });

        var cut = await StreamAsync("alone", "Where do the swallows go in winter?");

        Assert.Equal("stream_interrupted", cut.Error);
        Assert.False(cut.Done);
        var span = await _spans.RequestSpanAsync(cut.TraceId);
        var refused = Assert.Single(span.Events, e => e.Name == "switchyard.stream_continuation_refused");
        Assert.Contains("no other deployment", (string)refused.Tags.Single(t => t.Key == "switchyard.reason").Value!);
        // Charged as any cut stream: the prompt and what was streamed.
        var store = _host.Services.GetRequiredService<TenantStore>();
        var usage = await Eventually.ReadAsync(() => store.GetUsageAsync("test"), u => u?.ActiveLeases == 0 && u.TokensLastMinute > 0);
        Assert.Equal(span.GetTagItem("gen_ai.usage.input_tokens") is long input ? input + 9 : -1, usage!.TokensLastMinute);
    }

    [Fact]
    public async Task When_the_continuation_finds_no_deployment_that_answers_the_error_event_stays_and_each_reservation_is_settled_once()
    {
        await _bedrock.AddFaultAsync(new { kind = "stream-cut", region = "us-east-1", afterEvents = 4 });
        await _bedrock.AddFaultAsync(new { kind = "outage", region = "us-west-2" });

        var cut = await StreamAsync("continued", "Where do the swallows go in winter?");

        Assert.Equal("stream_interrupted", cut.Error);
        Assert.Equal(36, cut.Text.Length);
        var span = await _spans.RequestSpanAsync(cut.TraceId);
        Assert.Single(span.Events, e => e.Name == "switchyard.stream_continuation");
        Assert.Single(span.Events, e => e.Name == "switchyard.stream_continuation_refused");
        Assert.DoesNotContain(span.Events, e => e.Name == "switchyard.stream_continued");
        Assert.Null(span.GetTagItem("switchyard.continuations"));
        var input = (long)span.GetTagItem("gen_ai.usage.input_tokens")!;
        (long, long) east = (1, input + 9);
        Assert.Equal(east, await Eventually.ReadAsync(() => CapacityWindow.ReadAsync(_host.Services, "haiku-east"), w => w == east));
        // Every continuation attempt on west failed: its reservations were settled as unused.
        var west = await CapacityWindow.ReadAsync(_host.Services, "haiku-west");
        Assert.True(west.Requests >= 1);
        Assert.Equal(0, west.Tokens);
        var store = _host.Services.GetRequiredService<TenantStore>();
        var usage = await Eventually.ReadAsync(() => store.GetUsageAsync("test"), u => u?.ActiveLeases == 0 && u.TokensLastMinute > 0);
        Assert.Equal(input + 9, usage!.TokensLastMinute);
    }

    private sealed record Streamed(
        string Text, string? FinishReason, int PromptTokens, int CompletionTokens, bool Continued, int Continuations, bool Done, string? Error,
        string Deployment, string TraceId);

    /// <summary>Streams a request with usage and reads every event of it.</summary>
    private async Task<Streamed> StreamAsync(string group, string prompt)
    {
        using var client = _router.CreateClient();
        var body = JsonSerializer.Serialize(new
        {
            model = group,
            stream = true,
            stream_options = new { include_usage = true },
            max_tokens = 1000,
            messages = new[] { new { role = "user", content = prompt } },
        });
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = new StringBuilder();
        string? finish = null, error = null;
        int prompts = 0, completions = 0, continuations = 0;
        bool continued = false, done = false;
        foreach (var data in (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var payload = data["data: ".Length..];
            if (payload == "[DONE]")
            {
                done = true;
                continue;
            }

            var chunk = JsonDocument.Parse(payload).RootElement;
            if (chunk.TryGetProperty("error", out var failure))
            {
                error = failure.GetProperty("code").GetString();
                continue;
            }

            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var content))
                {
                    text.Append(content.GetString());
                }

                if (choice.GetProperty("finish_reason").GetString() is { } reason)
                {
                    finish = reason;
                }
            }

            if (chunk.TryGetProperty("usage", out var usage))
            {
                (prompts, completions) = (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32());
            }

            if (chunk.TryGetProperty("switchyard", out var note))
            {
                (continued, continuations) = (note.GetProperty("continued").GetBoolean(), note.GetProperty("continuations").GetInt32());
            }
        }

        return new Streamed(text.ToString(), finish, prompts, completions, continued, continuations, done, error,
            response.Headers.GetValues("x-switchyard-deployment").Single(), response.Headers.GetValues("x-switchyard-trace-id").Single());
    }


    private async Task ResetCapacityAsync()
    {
        var database = _host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        // One key at a time: the two deployments' keys live in different hash slots on a Redis Cluster.
        await database.KeyDeleteAsync("sy:cap:{haiku-east}");
        await database.KeyDeleteAsync("sy:cap:{haiku-west}");
    }

}
