using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.OpenAICompatible;

namespace Switchyard.Router.Tests.OpenAICompatible;

/// <summary>Streamed Chat Completions bodies, however their bytes arrive, into Microsoft.Extensions.AI updates.</summary>
public sealed class ChatCompletionStreamTests
{
    private const string ToolCallStream = """
        : a comment first

        data: {"id":"r","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Let me look. "},"finish_reason":null}]}

        data: {"id":"r","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]}}]}

        data: {"id":"r","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}

        data: {"id":"r","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"\"Par\\u00eds\"}"},"index":0},{"index":1,"id":"call_b","function":{"name":"clock","arguments":"{}"}}]}}]}

        data: {"id":"r","created":1700000000,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: {"id":"r","created":1700000000,"model":"m","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":9,"total_tokens":20}}

        data: [DONE]


        """;

    [Fact]
    public async Task Tool_call_deltas_become_whole_calls_when_the_answer_ends()
    {
        var updates = await ReadAllAsync(ToolCallStream);

        Assert.Equal(7, updates.Count);
        Assert.All(updates, u => Assert.Equal(("r", "m", ChatRole.Assistant), (u.ResponseId, u.ModelId, u.Role!.Value)));
        Assert.Equal("Let me look. ", updates[0].Text);
        Assert.All(updates.Take(5), u => Assert.DoesNotContain(u.Contents, c => c is FunctionCallContent));
        var calls = updates[^1].Contents.Cast<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal(["weather", "clock"], calls.Select(c => c.Name));
        Assert.Equal("París", Assert.IsType<JsonElement>(calls[0].Arguments!["city"]).GetString());
        Assert.Empty(calls[1].Arguments!);
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);

        var answer = updates.ToChatResponse();
        Assert.Equal((11, 9, 20), (answer.Usage!.InputTokenCount, answer.Usage.OutputTokenCount, answer.Usage.TotalTokenCount));
        Assert.Equal(2, answer.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count());
    }

    [Fact]
    public async Task Arguments_that_are_not_a_json_object_leave_the_call_without_them()
    {
        var updates = await ReadAllAsync(Chunk("""{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{not json"}},{"index":1,"id":"d","function":{"arguments":"{}"}}]}""") + Done);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(updates[^1].Contents));
        Assert.Equal(("c", "f", null), (call.CallId, call.Name, call.Arguments));
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public async Task A_tool_call_without_an_id_is_an_unreadable_answer()
    {
        var failure = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(Chunk("""{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{}"}}]}""") + Done));

        Assert.Equal((FailureKind.ServerError, "InvalidResponse"), (failure.Kind, failure.ErrorType));
    }

    [Fact]
    public async Task A_usage_only_final_chunk_is_usage_content_with_the_finish_reason_kept()
    {
        var updates = await ReadAllAsync(
            Chunk("""{"content":"hi"}""", "\"length\"")
            + """data: {"id":"r","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":1},"completion_tokens_details":{"reasoning_tokens":2}}}""" + "\n\n" + Done);

        var usage = Assert.IsType<UsageContent>(Assert.Single(updates[1].Contents)).Details;
        Assert.Equal((3L, 2L, 5L, 1L, 2L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount, usage.CachedInputTokenCount, usage.ReasoningTokenCount));
        Assert.Equal(ChatFinishReason.Length, updates[1].FinishReason);
    }

    [Theory]
    [InlineData("\"stop\"", "stop")]
    [InlineData("\"function_call\"", "tool_calls")]
    [InlineData("\"content_filter\"", "content_filter")]
    [InlineData("\"eos\"", "eos")]
    [InlineData("null", null)]
    public async Task Finish_reasons_map_to_chat_finish_reasons(string wire, string? expected)
    {
        var update = Assert.Single(await ReadAllAsync(Chunk("""{"content":"x"}""", wire) + Done));

        Assert.Equal(expected, update.FinishReason?.Value);
    }

    [Theory]
    [InlineData("""{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""", FailureKind.Throttled)]
    [InlineData("""{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}""", FailureKind.ContextWindowExceeded)]
    [InlineData("""{"error":{"message":"overloaded","type":"server_error","code":500}}""", FailureKind.ServerError)]
    [InlineData("""{"error":"something broke"}""", FailureKind.ServerError)]
    public async Task An_error_in_the_stream_is_a_classified_failure_after_the_text_before_it(string error, FailureKind expected)
    {
        var updates = new List<ChatResponseUpdate>();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(Chunk("""{"content":"a"}""") + $"data: {error}\n\n" + Done, updates));

        Assert.Equal((expected, "OpenAIStreamError"), (failure.Kind, failure.ErrorType));
        Assert.Equal("a", Assert.Single(updates).Text);
    }

    [Theory]
    [InlineData("data: {nope\n\n")]
    [InlineData("data: {\"id\":\"r\",\"choices\":\"not a list\"}\n\n")]
    [InlineData("data: {\"id\":\"r\",\"choices\":[{\"delta\":{\"content\":5}}]}\n\n")]
    [InlineData("data: {\"id\":\"r\",\"created\":\"yesterday\"}\n\n")]
    [InlineData("data: {\"id\":\"r\"} {}\n\n")]
    [InlineData("data: [1]\n\n")]
    [InlineData("data: {\"usage\":{\"prompt_tokens\":1e30}}\n\n")]
    [InlineData("data: {\"usage\":{\"prompt_tokens\":-1}}\n\n")]
    [InlineData("data: {\"usage\":{\"prompt_tokens\":9223372036854775807,\"completion_tokens\":1}}\n\n")]
    [InlineData("data: {\"id\":\"r\",\"choices\":[{\"delta\":{\"content\":\"cut off")]
    public async Task An_event_that_is_not_a_chunk_is_a_retryable_unreadable_answer(string bad)
    {
        var updates = new List<ChatResponseUpdate>();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(Chunk("""{"content":"a"}""") + bad + Done, updates));

        Assert.Equal((FailureKind.ServerError, "InvalidResponse", true), (failure.Kind, failure.ErrorType, failure.IsRetryable));
        Assert.Single(updates);
    }

    [Fact]
    public async Task A_body_that_ends_without_done_ends_the_answer()
    {
        var updates = await ReadAllAsync(Chunk("""{"content":"a"}""") + Chunk("""{"content":"b"}""", "\"stop\""));

        Assert.Equal("ab", updates.ToChatResponse().Text);
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task Nothing_after_done_is_read()
    {
        var updates = await ReadAllAsync(Chunk("""{"content":"a"}""") + Done + "data: {nope\n\n");

        Assert.Equal("a", Assert.Single(updates).Text);
    }

    [Fact]
    public async Task A_connection_that_breaks_mid_stream_is_the_endpoint_unavailable()
    {
        var updates = new List<ChatResponseUpdate>();
        var body = SegmentedStream.Split(Encoding.UTF8.GetBytes(Chunk("""{"content":"a"}""") + "data: {\"id\""), [], new IOException("reset by peer"));

        var failure = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in ChatCompletionStream.ReadAsync(body, CancellationToken.None))
            {
                updates.Add(update);
            }
        });

        Assert.Equal((FailureKind.Unavailable, "ConnectionError"), (failure.Kind, failure.ErrorType));
        Assert.Single(updates);
    }

    [Fact]
    public async Task An_endless_event_is_refused_before_it_fills_memory()
    {
        var endless = Enumerable.Repeat(Encoding.UTF8.GetBytes("data: " + new string('x', 1 << 20)), ServerSentEventReader.MaxEventBytes / (1 << 20) + 2);

        var failure = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var _ in ChatCompletionStream.ReadAsync(new SegmentedStream(endless), CancellationToken.None))
            {
            }
        });

        Assert.Equal("InvalidResponse", failure.ErrorType);
    }

    [Fact]
    public async Task Between_events_it_waits_for_bytes_without_a_buffer()
    {
        var chunks = Enumerable.Range(0, 5).Select(i => Encoding.UTF8.GetBytes(Chunk($$"""{"content":"{{i}}"}"""))).ToList();
        var body = new SegmentedStream(chunks);

        await foreach (var _ in ChatCompletionStream.ReadAsync(body, CancellationToken.None))
        {
        }

        // Each event arrives whole: a zero-byte wait, then one read into a freshly rented buffer.
        Assert.Equal(Enumerable.Range(0, chunks.Count + 1).SelectMany(_ => new[] { 0, 4096 }), body.ReadSizes.Select(size => size == 0 ? 0 : 4096));
    }

    [Fact]
    public async Task Multi_line_data_is_joined_and_crlf_and_comments_are_allowed()
    {
        var updates = await ReadAllAsync(": ping\r\n\r\nevent: chunk\r\nid: 7\r\ndata: {\"id\":\"r\",\r\ndata:\"choices\":[{\"delta\":{\"content\":\"a\\nb\"}}]}\r\nretry: 10\r\n\r\ndata: [DONE]\r\n\r\n");

        Assert.Equal("a\nb", Assert.Single(updates).Text);
    }

    [Fact]
    public async Task Any_split_of_a_stream_reads_as_the_whole_stream()
    {
        // Texts with escapes and multi-byte characters, tool arguments in fragments, LF or CRLF lines, comments: the
        // updates read from the body in one piece are the oracle, and must be what was generated.
        var piece = Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 12];
        var gen = Gen.Select(piece.Array[1, 8], piece.Array[0, 4], Gen.Bool, Gen.Bool);
        await gen.SelectMany(args => Gen.Int[0, Body(args.Item1, args.Item2, args.Item3, args.Item4).Length].Array[0, 40], (args, cuts) => (args, cuts))
            .SampleAsync(async sample =>
            {
                var ((texts, fragments, crlf, comments), cuts) = sample;
                var bytes = Body(texts, fragments, crlf, comments);
                var whole = await DescribeAsync(new MemoryStream(bytes));
                var split = await DescribeAsync(SegmentedStream.Split(bytes, cuts));

                Assert.Equal(whole, split);
                var answer = (await ReadAsync(SegmentedStream.Split(bytes, cuts))).ToChatResponse();
                Assert.Equal(string.Concat(texts), answer.Text);
                if (fragments.Length > 0)
                {
                    var call = Assert.Single(answer.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
                    Assert.Equal(string.Concat(fragments), Assert.IsType<JsonElement>(call.Arguments!["q"]).GetString());
                }
            }, iter: 300);
    }

    private static byte[] Body(string[] texts, string[] fragments, bool crlf, bool comments)
    {
        var newline = crlf ? "\r\n" : "\n";
        var body = new StringBuilder();
        void Event(string data)
        {
            if (comments)
            {
                body.Append(": keep-alive").Append(newline);
            }

            body.Append("data: ").Append(data).Append(newline).Append(newline);
        }

        foreach (var text in texts)
        {
            Event("""{"id":"r","created":1,"model":"m","choices":[{"index":0,"delta":{"content":""" + JsonSerializer.Serialize(text) + "}}]}");
        }

        // The arguments {"q":"<fragments joined>"} cut at fragment boundaries, each piece as an escaped JSON string.
        var arguments = new[] { "{\"q\":\"" }.Concat(fragments.Select(f => JsonSerializer.Serialize(f)[1..^1])).Append("\"}").ToList();
        if (fragments.Length > 0)
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                var head = i == 0 ? """ "id":"c","function":{"name":"f", """ : """ "function":{ """;
                Event("""{"id":"r","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,""" + head + "\"arguments\":" + JsonSerializer.Serialize(arguments[i]) + "}}]}}]}");
            }
        }

        Event("""{"id":"r","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""");
        Event("[DONE]");
        return Encoding.UTF8.GetBytes(body.ToString());
    }

    private const string Done = "data: [DONE]\n\n";

    private static string Chunk(string delta, string finishReason = "null") =>
        $$"""data: {"id":"r","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finishReason}}}]}""" + "\n\n";

    private static Task<List<ChatResponseUpdate>> ReadAllAsync(string body, List<ChatResponseUpdate>? updates = null) =>
        ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), updates);

    private static async Task<List<ChatResponseUpdate>> ReadAsync(Stream body, List<ChatResponseUpdate>? updates = null)
    {
        updates ??= [];
        await foreach (var update in ChatCompletionStream.ReadAsync(body, CancellationToken.None))
        {
            updates.Add(update);
        }

        return updates;
    }

    private static async Task<List<string>> DescribeAsync(Stream body) =>
        [.. (await ReadAsync(body)).Select(OpenAICompatibleParityTests.Describe)];
}
