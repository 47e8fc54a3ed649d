using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests.BedrockRuntime;

/// <summary>The Bedrock Runtime door's Converse and ConverseStream on the wire, against the in-memory Router with scripted deployments.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class ConverseDoorTests(RouterHost host) : IAsyncLifetime
{
    private const string Body = """{"messages":[{"role":"user","content":[{"text":"hello"}]}],"inferenceConfig":{"maxTokens":64}}""";

    private readonly HttpClient _client = host.CreateClient();

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Converse_answers_in_Bedrock_shape_and_says_where_it_was_served()
    {
        using var response = await PostAsync("/model/pair/converse", Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = body.GetProperty("output").GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("answer from model-east", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", body.GetProperty("stopReason").GetString());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("inputTokens").GetInt32());
        Assert.Equal(12, body.GetProperty("usage").GetProperty("totalTokens").GetInt32());
        Assert.True(body.GetProperty("metrics").GetProperty("latencyMs").GetInt64() >= 0);
        Assert.Equal("east", Header(response, "x-switchyard-deployment"));
        Assert.Equal("pair", Header(response, "x-switchyard-model-group"));
        Assert.NotNull(Header(response, "x-switchyard-trace-id"));
    }

    [Theory]
    [InlineData("/model/model-west/converse", "pair")] // served by pair and solo: the first group name in ordinal order
    [InlineData("/model/model-primary/converse", "primary")]
    [InlineData("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fsolo/converse", "solo")]
    public async Task A_model_id_resolves_to_the_group_that_serves_it(string path, string group)
    {
        using var response = await PostAsync(path, Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(group, Header(response, "x-switchyard-model-group"));
    }

    [Fact]
    public async Task Converse_maps_system_tools_and_tool_results_to_the_core_and_tool_use_back()
    {
        host.Upstream.Answers["model-east"] = () => new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [new TextContent("Looking."), new FunctionCallContent("t2", "lookup", new Dictionary<string, object?> { ["city"] = "Oslo" })]))
        {
            FinishReason = ChatFinishReason.ToolCalls,
            Usage = new UsageDetails { InputTokenCount = 9, OutputTokenCount = 3, TotalTokenCount = 12 },
        };
        const string request = """
            {"system":[{"text":"be brief"}],
             "messages":[{"role":"user","content":[{"text":"weather?"}]},
                         {"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"lookup","input":{"city":"Paris"}}}]},
                         {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"sunny"}]}}]}],
             "toolConfig":{"tools":[{"toolSpec":{"name":"lookup","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}}],
                           "toolChoice":{"auto":{}}}}
            """;

        using var response = await PostAsync("/model/pair/converse", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("tool_use", body.GetProperty("stopReason").GetString());
        var content = body.GetProperty("output").GetProperty("message").GetProperty("content");
        Assert.Equal("Looking.", content[0].GetProperty("text").GetString());
        var toolUse = content[1].GetProperty("toolUse");
        Assert.Equal(("t2", "lookup", "Oslo"), (toolUse.GetProperty("toolUseId").GetString(), toolUse.GetProperty("name").GetString(), toolUse.GetProperty("input").GetProperty("city").GetString()));
    }

    [Fact]
    public async Task ConverseStream_sends_Bedrock_event_stream_frames()
    {
        using var response = await PostAsync("/model/pair/converse-stream", Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType?.MediaType);
        var frames = Frames(await response.Content.ReadAsByteArrayAsync());
        var types = frames.Select(f => f.Type).ToList();
        Assert.Equal("messageStart", types[0]);
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], types[^3..]);
        Assert.All(types[1..^3], t => Assert.Equal("contentBlockDelta", t));
        var text = string.Concat(frames.Where(f => f.Type == "contentBlockDelta").Select(f => f.Payload.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal("answer from model-east", text);
        Assert.Equal("end_turn", frames[^2].Payload.GetProperty("stopReason").GetString());
        Assert.Equal(12, frames[^1].Payload.GetProperty("usage").GetProperty("totalTokens").GetInt32());
        Assert.Equal("east", Header(response, "x-switchyard-deployment"));
    }

    [Fact]
    public async Task ConverseStream_streams_a_tool_call_as_its_own_content_block()
    {
        host.Upstream.Streams["model-east"] = ToolCallStream;

        using var response = await PostAsync("/model/pair/converse-stream", Body);

        var frames = Frames(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["messageStart", "contentBlockDelta", "contentBlockStop", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"],
            frames.Select(f => f.Type));
        var start = frames[3].Payload;
        Assert.Equal(1, start.GetProperty("contentBlockIndex").GetInt32());
        Assert.Equal("lookup", start.GetProperty("start").GetProperty("toolUse").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Oslo"}""", frames[4].Payload.GetProperty("delta").GetProperty("toolUse").GetProperty("input").GetString());
        Assert.Equal("tool_use", frames[6].Payload.GetProperty("stopReason").GetString());
    }

    [Fact]
    public async Task Fails_over_to_the_next_deployment_when_one_is_down()
    {
        host.Upstream.Fail("model-east", FailureKind.Unavailable);

        using var response = await PostAsync("/model/pair/converse", Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task A_stream_cut_after_tokens_ends_with_an_in_stream_exception_event()
    {
        host.Upstream.Streams["model-east"] = BrokenStream;

        using var response = await PostAsync("/model/pair/converse-stream", Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var last = Frames(await response.Content.ReadAsByteArrayAsync())[^1];
        Assert.Equal("exception", last.MessageType);
        Assert.Equal("modelStreamErrorException", last.Type);
        Assert.False(string.IsNullOrEmpty(last.Payload.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("/model/no-such-model/converse", Body, "test-key", 404, "ResourceNotFoundException")]
    [InlineData("/model/pair/converse", "{not json", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse", "[]", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse", """{"messages":[]}""", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse", """{"messages":[{"role":"robot","content":[{"text":"x"}]}]}""", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse", """{"messages":[{"role":"user","content":[{"image":{"format":"png"}}]}]}""", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse", """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":9000}}""", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse-stream", """{"messages":[{"role":"user","content":[{"text":1}]}]}""", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse", """{"messages":[{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"x","input":{"c\udfff":1}}}]}]}""", "test-key", 400, "ValidationException")]
    [InlineData("/model/pair/converse", Body, "", 403, "AccessDeniedException")]
    [InlineData("/model/pair/converse", Body, "unknown-key", 403, "AccessDeniedException")]
    [InlineData("/model/pair/converse", Body, "closed-key", 403, "AccessDeniedException")]
    public async Task Errors_come_as_Bedrock_error_types(string path, string body, string key, int status, string errorType)
    {
        using var response = await PostAsync(path, body, key);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(errorType, Header(response, "x-amzn-ErrorType"));
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task A_tenant_over_its_limit_gets_ThrottlingException()
    {
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await PostAsync("/model/pair/converse", Body, "noisy-key"));
        }

        Assert.Equal(3, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        var limited = answers[^1];
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("ThrottlingException", Header(limited, "x-amzn-ErrorType"));
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        answers.ForEach(a => a.Dispose());
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string key = "test-key")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key.Length == 0)
        {
            // The host's clients send the test tenant's key by default.
            using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
            return await anonymous.SendAsync(request);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _client.SendAsync(request);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> ToolCallStream([EnumeratorCancellation] CancellationToken cancellation)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Looking.");
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("t2", "lookup", new Dictionary<string, object?> { ["city"] = "Oslo" })]);
        yield return new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { FinishReason = ChatFinishReason.ToolCalls };
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> BrokenStream([EnumeratorCancellation] CancellationToken cancellation)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "partial ");
        throw new ProviderException(FailureKind.ServerError, 200, "StreamBroken", "the upstream went away");
    }

    internal static List<(string MessageType, string Type, JsonElement Payload)> Frames(byte[] body)
    {
        var frames = new List<(string, string, JsonElement)>();
        for (var offset = 0; offset < body.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset));
            // FromBuffer checks the CRCs of a frame at the start of the buffer it is given.
            var message = EventStreamMessage.FromBuffer(body[offset..(offset + length)], 0, length);
            var messageType = message.Headers[":message-type"].AsString();
            var type = message.Headers[messageType == "event" ? ":event-type" : ":exception-type"].AsString();
            frames.Add((messageType, type, JsonDocument.Parse(message.Payload).RootElement.Clone()));
            offset += length;
        }

        return frames;
    }

    internal static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
