using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Tests;

namespace Switchyard.Router.Tests.Anthropic;

/// <summary>
/// Real Anthropic clients, unchanged but for their base URL, against the Router over a real socket: the
/// @anthropic-ai/sdk npm client (tests/interop/router-anthropic.mjs) and Claude Code (claude-code.mjs).
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class AnthropicNodeInteropTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_sdk_creates_streams_and_counts_messages_and_parses_errors()
    {
        var result = await RunAsync("basics", "pair", "test-key");

        var message = result.GetProperty("message");
        Assert.Equal("model-east", message.GetProperty("model").GetString());
        Assert.Equal("answer from model-east", message.GetProperty("text").GetString());
        Assert.Equal("end_turn", message.GetProperty("stopReason").GetString());
        Assert.Equal(5, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());

        var stream = result.GetProperty("stream");
        Assert.Equal("answer from model-east", stream.GetProperty("text").GetString());
        Assert.Equal(7, stream.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            stream.GetProperty("events").EnumerateArray().Select(e => e.GetString()));

        Assert.True(result.GetProperty("countTokens").GetInt32() > 0);
        var notFound = result.GetProperty("notFound");
        Assert.Equal(404, notFound.GetProperty("status").GetInt32());
        Assert.Equal("not_found_error", notFound.GetProperty("type").GetString());
        Assert.Equal("NotFoundError", notFound.GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_sdk_runs_a_tool_call_and_its_tool_result_turn()
    {
        var calls = 0;
        host.Upstream.Answers["model-east"] = () => Interlocked.Increment(ref calls) == 1
            ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new TextContent("Checking."), new FunctionCallContent("toolu_01", "weather", new Dictionary<string, object?> { ["city"] = "Paris" })]))
            {
                FinishReason = ChatFinishReason.ToolCalls,
                Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 9 },
            }
            : new ChatResponse(new ChatMessage(ChatRole.Assistant, "Sunny in Paris.")) { FinishReason = ChatFinishReason.Stop };

        var result = await RunAsync("tools", "pair", "test-key");

        var first = result.GetProperty("first");
        Assert.Equal("tool_use", first.GetProperty("stopReason").GetString());
        Assert.Equal(["text", "tool_use"], first.GetProperty("blocks").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("toolu_01", first.GetProperty("call").GetProperty("id").GetString());
        Assert.Equal("Paris", first.GetProperty("call").GetProperty("input").GetProperty("city").GetString());
        Assert.Equal("Sunny in Paris.", result.GetProperty("second").GetProperty("text").GetString());

        // The second call carried the whole conversation: the call as the assistant's, its result as the tool's.
        var prompt = host.Upstream.Received.Last().Messages;
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], prompt.Select(m => m.Role));
        Assert.Equal("toolu_01", Assert.IsType<FunctionCallContent>(prompt[1].Contents[1]).CallId);
        var toolResult = Assert.IsType<FunctionResultContent>(Assert.Single(prompt[2].Contents));
        Assert.Equal(("toolu_01", "sunny, 24 C"), (toolResult.CallId, toolResult.Result));
    }

    [Fact]
    public async Task A_tenant_over_its_limit_gets_the_sdks_rate_limit_error()
    {
        var result = await RunAsync("rate-limit", "pair", "noisy-key");

        var outcomes = result.GetProperty("results").EnumerateArray().ToList();
        Assert.All(outcomes.Take(3), o => Assert.True(o.GetProperty("ok").GetBoolean()));
        var limited = outcomes[3];
        Assert.False(limited.GetProperty("ok").GetBoolean());
        Assert.True(limited.GetProperty("rateLimitError").GetBoolean(), limited.GetProperty("message").GetString());
        Assert.Equal(429, limited.GetProperty("status").GetInt32());
        Assert.Equal("rate_limit_error", limited.GetProperty("type").GetString());
        Assert.NotNull(limited.GetProperty("retryAfter").GetString());
    }

    [Fact]
    public async Task An_upstream_failing_mid_stream_reaches_the_sdk_as_an_error_after_the_text_so_far()
    {
        host.Upstream.Streams["model-east"] = _ => Cut();

        var result = await RunAsync("cut", "pair", "test-key");

        Assert.False(result.GetProperty("completed").GetBoolean());
        Assert.Equal("partial ", result.GetProperty("text").GetString());
        Assert.Equal("api_error", result.GetProperty("error").GetProperty("type").GetString());

        static async IAsyncEnumerable<ChatResponseUpdate> Cut()
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "partial ");
            await Task.Yield();
            throw new ProviderException(FailureKind.ServerError, 200, "StreamBroken", "connection reset");
        }
    }

    [Fact]
    public async Task When_the_first_region_is_out_the_sdk_is_served_by_failover()
    {
        host.Upstream.Fail("model-east", FailureKind.ServerError);

        var result = await RunAsync("failover", "pair", "test-key");

        Assert.Equal("model-west", result.GetProperty("message").GetProperty("model").GetString());
        Assert.Equal("us-west-2", result.GetProperty("region").GetString());
        Assert.Equal("2", result.GetProperty("attempts").GetString());
    }

    [Fact]
    public async Task Claude_code_answers_a_prompt_through_the_router()
    {
        // Claude Code's first request carries its whole system prompt and tool set (about 75 KB): this Router
        // takes bodies up to 1 MB instead of the shared host's 4 KB.
        await using var router = host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["Routing:MaxRequestBodyBytes"] = "1048576" })));
        router.UseKestrel(0);
        router.StartServer();
        var home = Path.Combine(Path.GetTempPath(), $"switchyard-claude-{Guid.NewGuid():N}");
        try
        {
            var result = await NodeScript.RunAsync("claude-code.mjs", new Dictionary<string, string>
            {
                ["ROUTER_URL"] = router.ClientOptions.BaseAddress.ToString().TrimEnd('/'),
                ["MODEL"] = "solo",
                ["API_KEY"] = "test-key",
                ["PROMPT"] = "hello",
                ["HOME_DIR"] = home,
            }, TimeSpan.FromSeconds(120));

            Assert.True(result.GetProperty("exitCode").ValueKind == JsonValueKind.Number && result.GetProperty("exitCode").GetInt32() == 0, result.GetRawText());
            Assert.Contains("answer from model-west", result.GetProperty("stdout").GetString());
            Assert.Contains("model-west", host.Upstream.Calls);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private Task<JsonElement> RunAsync(string scenario, string model, string key) =>
        NodeScript.RunAsync("router-anthropic.mjs", new Dictionary<string, string>
        {
            ["ROUTER_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["MODEL"] = model,
            ["API_KEY"] = key,
            ["SCENARIO"] = scenario,
        });
}
