using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;
using static Switchyard.Router.Tests.BedrockRuntime.ConverseDoorTests;

namespace Switchyard.Router.Tests.BedrockRuntime;

/// <summary>The Bedrock Runtime door's InvokeModel and InvokeModelWithResponseStream per model family, on the wire.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class InvokeDoorTests(RouterHost host) : IAsyncLifetime
{
    private const string ClaudeBody = """{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"system":"be brief","messages":[{"role":"user","content":"hello"}]}""";

    private const string NovaBody = """{"schemaVersion":"messages-v1","system":[{"text":"be brief"}],"messages":[{"role":"user","content":[{"text":"hello"}]}],"inferenceConfig":{"max_new_tokens":64,"topK":20}}""";

    private readonly HttpClient _client = host.CreateClient();

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task InvokeModel_for_a_Claude_group_answers_Anthropic_Messages()
    {
        using var response = await PostAsync("/model/claude/invoke", ClaudeBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("message", body.GetProperty("type").GetString());
        Assert.Equal("assistant", body.GetProperty("role").GetString());
        Assert.Equal(RouterHost.ClaudeEast, body.GetProperty("model").GetString());
        Assert.Equal("text", body.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal($"answer from {RouterHost.ClaudeEast}", body.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", body.GetProperty("stop_reason").GetString());
        Assert.Equal((5, 7), (body.GetProperty("usage").GetProperty("input_tokens").GetInt32(), body.GetProperty("usage").GetProperty("output_tokens").GetInt32()));
        // As Bedrock answers InvokeModel: the counts and the latency in headers too.
        Assert.Equal(("5", "7"), (Header(response, "X-Amzn-Bedrock-Input-Token-Count"), Header(response, "X-Amzn-Bedrock-Output-Token-Count")));
        Assert.True(long.Parse(Header(response, "X-Amzn-Bedrock-Invocation-Latency")!, System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.Equal("claude", Header(response, "x-switchyard-model-group"));
        Assert.Equal("claude-east", Header(response, "x-switchyard-deployment"));
        var (received, options) = Assert.Single(host.Upstream.Received);
        Assert.Equal(ChatRole.System, received[0].Role);
        Assert.Equal("be brief", received[0].Text);
        Assert.Equal(64, options?.MaxOutputTokens);
    }

    [Fact]
    public async Task A_Bedrock_model_id_a_group_serves_resolves_to_that_group()
    {
        using var response = await PostAsync($"/model/{Uri.EscapeDataString(RouterHost.ClaudeWest)}/invoke", ClaudeBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("claude", Header(response, "x-switchyard-model-group"));
    }

    [Fact]
    public async Task InvokeModelWithResponseStream_for_a_Claude_group_sends_Anthropic_events_as_chunks_ending_with_invocation_metrics()
    {
        using var response = await PostAsync("/model/claude/invoke-with-response-stream", ClaudeBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType?.MediaType);
        var chunks = Chunks(await response.Content.ReadAsByteArrayAsync());
        var types = chunks.Select(c => c.GetProperty("type").GetString()).ToList();
        Assert.Equal(["message_start", "ping", "content_block_start"], types[..3]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], types[^3..]);
        Assert.All(types[3..^3], t => Assert.Equal("content_block_delta", t));
        var text = string.Concat(chunks.Where(c => c.GetProperty("type").GetString() == "content_block_delta").Select(c => c.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal($"answer from {RouterHost.ClaudeEast}", text);
        Assert.Equal("end_turn", chunks[^2].GetProperty("delta").GetProperty("stop_reason").GetString());
        var metrics = chunks[^1].GetProperty("amazon-bedrock-invocationMetrics");
        Assert.Equal(chunks[^2].GetProperty("usage").GetProperty("output_tokens").GetInt64(), metrics.GetProperty("outputTokenCount").GetInt64());
        Assert.True(metrics.GetProperty("invocationLatency").GetInt64() >= metrics.GetProperty("firstByteLatency").GetInt64());
    }

    [Fact]
    public async Task InvokeModelWithResponseStream_streams_a_tool_call_as_a_tool_use_block()
    {
        host.Upstream.Streams[RouterHost.ClaudeEast] = ToolCallStream;

        using var response = await PostAsync("/model/claude/invoke-with-response-stream", ClaudeBody);

        var chunks = Chunks(await response.Content.ReadAsByteArrayAsync());
        var start = chunks.Single(c => c.GetProperty("type").GetString() == "content_block_start" && c.GetProperty("content_block").GetProperty("type").GetString() == "tool_use");
        Assert.Equal("lookup", start.GetProperty("content_block").GetProperty("name").GetString());
        Assert.Contains(chunks, c => c.TryGetProperty("delta", out var d) && d.TryGetProperty("partial_json", out var json) && json.GetString() == """{"city":"Oslo"}""");
        Assert.Equal("tool_use", chunks[^2].GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task InvokeModel_for_a_Nova_group_answers_in_Nova_shape()
    {
        using var response = await PostAsync("/model/nova/invoke", NovaBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = body.GetProperty("output").GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal($"answer from {RouterHost.NovaLite}", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", body.GetProperty("stopReason").GetString());
        Assert.Equal((5, 7, 12), (body.GetProperty("usage").GetProperty("inputTokens").GetInt32(), body.GetProperty("usage").GetProperty("outputTokens").GetInt32(), body.GetProperty("usage").GetProperty("totalTokens").GetInt32()));
        Assert.False(body.TryGetProperty("metrics", out _));
        Assert.Equal(("5", "7"), (Header(response, "X-Amzn-Bedrock-Input-Token-Count"), Header(response, "X-Amzn-Bedrock-Output-Token-Count")));
        Assert.Equal("nova", Header(response, "x-switchyard-model-group"));
        var (received, options) = Assert.Single(host.Upstream.Received);
        Assert.Equal(("be brief", "hello"), (received[0].Text, received[1].Text));
        Assert.Equal((64, 20), (options?.MaxOutputTokens, options?.TopK));
    }

    [Fact]
    public async Task InvokeModelWithResponseStream_for_a_Nova_group_sends_Nova_events_as_chunks_ending_with_invocation_metrics()
    {
        using var response = await PostAsync("/model/nova/invoke-with-response-stream", NovaBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", Header(response, "X-Amzn-Bedrock-Content-Type")); // the chunks' type; the body is an event stream
        var chunks = Chunks(await response.Content.ReadAsByteArrayAsync());
        var types = chunks.Select(c => c.EnumerateObject().First().Name).ToList();
        Assert.Equal("messageStart", types[0]);
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], types[^3..]);
        Assert.All(types[1..^3], t => Assert.Equal("contentBlockDelta", t));
        var text = string.Concat(chunks.Where(c => c.TryGetProperty("contentBlockDelta", out _)).Select(c => c.GetProperty("contentBlockDelta").GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal($"answer from {RouterHost.NovaLite}", text);
        Assert.Equal("end_turn", chunks[^2].GetProperty("messageStop").GetProperty("stopReason").GetString());
        var usage = chunks[^1].GetProperty("metadata").GetProperty("usage");
        var metrics = chunks[^1].GetProperty("amazon-bedrock-invocationMetrics");
        Assert.Equal(usage.GetProperty("inputTokens").GetInt64(), metrics.GetProperty("inputTokenCount").GetInt64());
        Assert.Equal(usage.GetProperty("outputTokens").GetInt64(), metrics.GetProperty("outputTokenCount").GetInt64());
    }

    [Fact]
    public async Task InvokeModel_fails_over_to_the_next_Region_and_account()
    {
        host.Upstream.Fail(RouterHost.ClaudeEast, FailureKind.Unavailable);

        using var response = await PostAsync("/model/claude/invoke", ClaudeBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("claude-west", Header(response, "x-switchyard-deployment"));
        Assert.Equal(RouterHost.ClaudeWest, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_stream_cut_after_tokens_ends_with_an_in_stream_exception_event()
    {
        host.Upstream.Streams[RouterHost.ClaudeEast] = BrokenStream;

        using var response = await PostAsync("/model/claude/invoke-with-response-stream", ClaudeBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var last = Frames(await response.Content.ReadAsByteArrayAsync())[^1];
        Assert.Equal(("exception", "modelStreamErrorException"), (last.MessageType, last.Type));
    }

    [Theory]
    [InlineData("/model/claude/invoke", "{not json", 400, "ValidationException")]
    [InlineData("/model/claude/invoke", """{"max_tokens":64,"messages":[{"role":"user","content":"x"}]}""", 400, "ValidationException")]
    [InlineData("/model/claude/invoke", """{"anthropic_version":"bedrock-2023-05-31","messages":[{"role":"user","content":"x"}]}""", 400, "ValidationException")]
    [InlineData("/model/claude/invoke", """{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"robot","content":"x"}]}""", 400, "ValidationException")]
    [InlineData("/model/claude/invoke-with-response-stream", """{"anthropic_version":"bedrock-2023-05-31","max_tokens":"many","messages":[]}""", 400, "ValidationException")]
    [InlineData("/model/pair/invoke", ClaudeBody, 400, "ValidationException")]
    [InlineData("/model/nova/invoke", ClaudeBody, 400, "ValidationException")]
    [InlineData("/model/nova/invoke", """{"schemaVersion":"messages-v2","messages":[{"role":"user","content":[{"text":"x"}]}]}""", 400, "ValidationException")]
    [InlineData("/model/nova/invoke", """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":1000000}}""", 400, "ValidationException")]
    [InlineData("/model/nova/invoke-with-response-stream", """{"messages":[{"role":"user","content":"x"}]}""", 400, "ValidationException")]
    [InlineData("/model/nova/invoke", """{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"topK":-1}}""", 400, "ValidationException")]
    [InlineData("/model/no-such-model/invoke", ClaudeBody, 404, "ResourceNotFoundException")]
    public async Task Malformed_bodies_and_unknown_models_are_Bedrock_errors(string path, string body, int status, string errorType)
    {
        using var response = await PostAsync(path, body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(errorType, Header(response, "x-amzn-ErrorType"));
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString()));
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task A_tenant_over_its_limit_gets_ThrottlingException()
    {
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await PostAsync("/model/claude/invoke", ClaudeBody, "noisy-key"));
        }

        Assert.Equal(3, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1].StatusCode);
        Assert.Equal("ThrottlingException", Header(answers[^1], "x-amzn-ErrorType"));
        answers.ForEach(a => a.Dispose());
    }

    /// <summary>Each chunk event's family event: its <c>bytes</c>, base64-decoded and parsed.</summary>
    internal static List<JsonElement> Chunks(byte[] body) => [.. Frames(body).Select(frame =>
    {
        Assert.Equal(("event", "chunk"), (frame.MessageType, frame.Type));
        return JsonDocument.Parse(frame.Payload.GetProperty("bytes").GetBytesFromBase64()).RootElement.Clone();
    })];

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string key = "test-key")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
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
}
