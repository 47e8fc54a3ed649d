using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.Bedrock;

namespace Switchyard.Router.Tests;

/// <summary>
/// The Bedrock client on the wire: a small upstream on a real socket answers with scripted bytes
/// (JSON bodies, event-stream frames built with AWSSDK.Core's encoder, AWS error headers).
/// </summary>
public sealed class BedrockChatClientTests : IAsyncLifetime
{
    private const string ModelId = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

    private readonly LoopbackUpstream _upstream = new();

    public Task InitializeAsync() => _upstream.InitializeAsync();

    public Task DisposeAsync() => _upstream.DisposeAsync();

    [Fact]
    public async Task Converse_sends_a_signed_request_and_maps_the_answer()
    {
        _upstream.Handler = context => context.Response.WriteAsync("""
            {"output":{"message":{"role":"assistant","content":[{"text":"Hi there"},{"toolUse":{"toolUseId":"t1","name":"lookup","input":{"city":"Paris"}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":11,"outputTokens":4,"totalTokens":15},"metrics":{"latencyMs":12}}
            """);
        var client = CreateClient();

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hello"), new ChatMessage(ChatRole.User, "again")],
            new ChatOptions { MaxOutputTokens = 64, Temperature = 0.5f, StopSequences = ["END"] });

        var (path, authorization, body) = Assert.Single(_upstream.Requests);
        Assert.Equal("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", path);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIATEST/", authorization);
        Assert.Contains("/us-east-1/bedrock/aws4_request", authorization);
        Assert.Equal("be brief", body.GetProperty("system")[0].GetProperty("text").GetString());
        var messages = body.GetProperty("messages");
        Assert.Equal(1, messages.GetArrayLength()); // two user turns merged: Converse wants alternation
        Assert.Equal(2, messages[0].GetProperty("content").GetArrayLength());
        Assert.Equal(64, body.GetProperty("inferenceConfig").GetProperty("maxTokens").GetInt32());
        Assert.Equal("END", body.GetProperty("inferenceConfig").GetProperty("stopSequences")[0].GetString());

        Assert.Equal("Hi there", response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(15, response.Usage?.TotalTokenCount);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("t1", "lookup"), (call.CallId, call.Name));
        Assert.Equal("Paris", call.Arguments?["city"]?.ToString());
    }

    [Fact]
    public async Task Converse_goes_over_HTTP2_when_Bedrock_HttpVersion_is_2()
    {
        await using var h2 = new LoopbackUpstream(http2Only: true);
        await h2.InitializeAsync();
        h2.Handler = context => context.Response.WriteAsync("""
            {"output":{"message":{"role":"assistant","content":[{"text":"Hi there"}]}},"stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5}}
            """);

        var response = await CreateClient(h2.Address, httpVersion: "2").GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);

        Assert.Equal("Hi there", response.Text);
        Assert.Equal("HTTP/2", Assert.Single(h2.Protocols));
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIATEST/", Assert.Single(h2.Requests).Authorization);
    }

    [Fact]
    public async Task Converse_reports_prompt_cache_reads_and_writes_in_the_usage()
    {
        _upstream.Handler = context => context.Response.WriteAsync("""
            {"output":{"message":{"role":"assistant","content":[{"text":"ok"}]}},"stopReason":"end_turn",
             "usage":{"inputTokens":11,"outputTokens":4,"totalTokens":1515,"cacheReadInputTokens":1200,"cacheWriteInputTokens":300}}
            """);

        var response = await CreateClient().GetResponseAsync(
            [new ChatMessage(ChatRole.System, [new TextContent("long instructions"), new CachePointContent()]), new ChatMessage(ChatRole.User, "hello")]);

        Assert.Equal(1200, response.Usage?.CachedInputTokenCount);
        Assert.Equal(300, response.Usage?.AdditionalCounts?[CachePointContent.CacheWriteInputTokens]);
        var system = Assert.Single(_upstream.Requests).Body.GetProperty("system");
        Assert.Equal("""[{"text":"long instructions"},{"cachePoint":{"type":"default"}}]""", system.GetRawText());
    }

    [Fact]
    public async Task ConverseStream_decodes_event_stream_frames_as_they_come()
    {
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "application/vnd.amazon.eventstream";
            await WriteEventAsync(context, "messageStart", """{"role":"assistant"}""");
            foreach (var word in new[] { "Hello", ", ", "world" })
            {
                await WriteEventAsync(context, "contentBlockDelta", $$$"""{"contentBlockIndex":0,"delta":{"text":"{{{word}}}"}}""");
            }

            await WriteEventAsync(context, "contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t9","name":"search"}}}""");
            await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"q\":"}}}""");
            await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"x\"}"}}}""");
            await WriteEventAsync(context, "contentBlockStop", """{"contentBlockIndex":1}""");
            await WriteEventAsync(context, "messageStop", """{"stopReason":"max_tokens"}""");
            await WriteEventAsync(context, "metadata", """{"usage":{"inputTokens":3,"outputTokens":3,"totalTokens":6},"metrics":{"latencyMs":5}}""");
        };

        var updates = await CreateClient().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToListAsync();

        Assert.Equal("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse-stream", Assert.Single(_upstream.Requests).RawTarget);
        Assert.Equal("Hello, world", string.Concat(updates.Select(u => u.Text)));
        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("x", call.Arguments?["q"]?.ToString());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Length);
        Assert.Equal(6, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.TotalTokenCount);
    }

    [Fact]
    public async Task Frames_larger_than_the_read_buffer_are_decoded_whole()
    {
        var big = new string('x', 20_000);
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "application/vnd.amazon.eventstream";
            await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"small"}}""");
            await WriteEventAsync(context, "contentBlockDelta", $$$"""{"contentBlockIndex":0,"delta":{"text":"{{{big}}}"}}""");
            await WriteEventAsync(context, "messageStop", """{"stopReason":"end_turn"}""");
        };

        var updates = await CreateClient().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToListAsync();

        Assert.Equal("small" + big, string.Concat(updates.Select(u => u.Text)));
    }

    [Theory]
    [InlineData("throttlingException", FailureKind.Throttled)]
    [InlineData("serviceUnavailableException", FailureKind.Unavailable)]
    [InlineData("modelStreamErrorException", FailureKind.ServerError)]
    [InlineData("internalServerException", FailureKind.ServerError)]
    public async Task An_exception_frame_mid_stream_is_classified(string exceptionType, FailureKind expected)
    {
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "application/vnd.amazon.eventstream";
            await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"partial"}}""");
            await WriteFrameAsync(context, new Dictionary<string, string>
            {
                [":message-type"] = "exception",
                [":exception-type"] = exceptionType,
                [":content-type"] = "application/json",
            }, """{"message":"stream broke"}""");
        };

        var received = new List<ChatResponseUpdate>();
        var failure = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in CreateClient().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                received.Add(update);
            }
        });

        Assert.Equal("partial", Assert.Single(received).Text);
        Assert.Equal(expected, failure.Kind);
        Assert.Contains("stream broke", failure.Detail);
    }

    [Theory]
    [InlineData(429, "ThrottlingException", "Too many requests", FailureKind.Throttled)]
    [InlineData(429, "ModelNotReadyException", "Model is not ready", FailureKind.Unavailable)]
    [InlineData(503, "ServiceUnavailableException", "Service unavailable", FailureKind.Unavailable)]
    [InlineData(500, "InternalServerException", "oops", FailureKind.ServerError)]
    [InlineData(408, "ModelTimeoutException", "timed out", FailureKind.Timeout)]
    [InlineData(400, "ValidationException", "Input is too long for requested model.", FailureKind.ContextWindowExceeded)]
    [InlineData(400, "ValidationException", "maxTokens must be at least 1", FailureKind.ClientError)]
    [InlineData(403, "AccessDeniedException", "denied", FailureKind.ClientError)]
    [InlineData(404, "ResourceNotFoundException", "no such model", FailureKind.ClientError)]
    public async Task Http_errors_are_classified_as_aws_sdks_parse_them(int status, string errorType, string message, FailureKind expected)
    {
        _upstream.Handler = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers["x-amzn-ErrorType"] = $"{errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/";
            context.Response.Headers["x-amz-retry-after"] = "1500";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { message }));
        };

        var failure = await Assert.ThrowsAsync<ProviderException>(() => CreateClient().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(expected, failure.Kind);
        Assert.Equal(errorType, failure.ErrorType);
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), failure.RetryAfter);
        Assert.Contains(message, failure.Detail);
    }

    [Fact]
    public async Task An_answer_that_is_not_converse_json_is_a_retryable_server_error()
    {
        _upstream.Handler = context => context.Response.WriteAsync("<html>upstream proxy error</html>");

        var failure = await Assert.ThrowsAsync<ProviderException>(() => CreateClient().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal((FailureKind.ServerError, "InvalidResponse", 200), (failure.Kind, failure.ErrorType, failure.StatusCode));
        Assert.True(failure.IsRetryable);
    }

    [Fact]
    public async Task A_stream_event_whose_payload_is_not_json_is_a_retryable_server_error()
    {
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "application/vnd.amazon.eventstream";
            await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"partial"}}""");
            await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":"zero","delta":""");
        };

        var received = new List<ChatResponseUpdate>();
        var failure = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in CreateClient().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                received.Add(update);
            }
        });

        Assert.Equal("partial", Assert.Single(received).Text);
        Assert.Equal((FailureKind.ServerError, "InvalidResponse"), (failure.Kind, failure.ErrorType));
    }

    [Fact]
    public async Task A_frame_failing_its_crc_is_a_broken_stream()
    {
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "application/vnd.amazon.eventstream";
            await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"partial"}}""");
            var frame = Frame(new Dictionary<string, string> { [":message-type"] = "event", [":event-type"] = "contentBlockDelta" },
                """{"contentBlockIndex":0,"delta":{"text":"corrupted"}}""");
            frame[^6] ^= 0x20; // a payload byte: the message CRC no longer matches
            await context.Response.Body.WriteAsync(frame);
        };

        var received = new List<ChatResponseUpdate>();
        var failure = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in CreateClient().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                received.Add(update);
            }
        });

        Assert.Equal("partial", Assert.Single(received).Text);
        Assert.Equal((FailureKind.ServerError, "StreamBroken"), (failure.Kind, failure.ErrorType));
        Assert.Contains("Checksum", failure.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("x-amz-retry-after", "-5", null)]
    [InlineData("x-amz-retry-after", "99999999999999999999999", 60_000)]
    [InlineData("x-amz-retry-after", "soon", null)]
    [InlineData("Retry-After", "1e308", 60_000)]
    [InlineData("Retry-After", "-1", null)]
    [InlineData("Retry-After", "NaN", null)]
    [InlineData("Retry-After", "2.5", 2_500)]
    [InlineData("Retry-After", "Thu, 01 Jan 2099 00:00:00 GMT", 60_000)]
    [InlineData("Retry-After", "Thu, 01 Jan 2026 00:00:20 GMT", 20_000)]
    [InlineData("Retry-After", "Wed, 31 Dec 2025 23:59:00 GMT", 0)]
    public async Task An_absurd_retry_after_stays_a_throttle_with_a_sane_wait(string header, string value, int? expectedMs)
    {
        _upstream.Handler = async context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers["x-amzn-ErrorType"] = "ThrottlingException";
            context.Response.Headers[header] = value;
            await context.Response.WriteAsync("""{"message":"Too many requests"}""");
        };
        // HTTP dates are read against the injected clock, not the machine's.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var failure = await Assert.ThrowsAsync<ProviderException>(() => CreateClient(clock: clock).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(FailureKind.Throttled, failure.Kind);
        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, failure.RetryAfter);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_unavailable()
    {
        var client = CreateClient("http://127.0.0.1:1/");

        var failure = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(FailureKind.Unavailable, failure.Kind);
        Assert.True(failure.IsRetryable);
    }

    [Fact]
    public async Task A_json_response_format_is_a_forced_tool_whose_input_is_the_answer()
    {
        _upstream.Handler = context => context.Response.WriteAsync("""
            {"output":{"message":{"role":"assistant","content":[{"text":"Here it is:"},{"toolUse":{"toolUseId":"t1","name":"switchyard_json_response","input":{"city":"Paris","celsius":21}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":11,"outputTokens":9,"totalTokens":20}}
            """);
        var schema = JsonElement.Parse("""{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"}},"required":["city"]}""");

        var response = await CreateClient().GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "weather", "today's weather") });

        var (_, _, body) = Assert.Single(_upstream.Requests);
        var toolConfig = body.GetProperty("toolConfig");
        var spec = Assert.Single(toolConfig.GetProperty("tools").EnumerateArray()).GetProperty("toolSpec");
        Assert.Equal("switchyard_json_response", spec.GetProperty("name").GetString());
        Assert.Equal(schema.GetRawText(), spec.GetProperty("inputSchema").GetProperty("json").GetRawText());
        Assert.Contains("weather", spec.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("switchyard_json_response", toolConfig.GetProperty("toolChoice").GetProperty("tool").GetProperty("name").GetString());

        Assert.Equal("""{"city":"Paris","celsius":21}""", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
    }

    [Fact]
    public async Task With_client_tools_a_response_format_makes_the_model_call_some_tool()
    {
        _upstream.Handler = context => context.Response.WriteAsync("""
            {"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"lookup","input":{"q":"x"}}}]}},"stopReason":"tool_use"}
            """);
        var lookup = AIFunctionFactory.CreateDeclaration("lookup", "looks up", JsonElement.Parse("""{"type":"object","properties":{"q":{"type":"string"}}}"""));

        var response = await CreateClient().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")],
            new ChatOptions { Tools = [lookup], ResponseFormat = ChatResponseFormat.Json });

        var toolConfig = Assert.Single(_upstream.Requests).Body.GetProperty("toolConfig");
        Assert.Equal(["lookup", "switchyard_json_response"], toolConfig.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("toolSpec").GetProperty("name").GetString()));
        Assert.True(toolConfig.GetProperty("toolChoice").TryGetProperty("any", out _));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("lookup", Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
    }

    [Fact]
    public async Task A_streamed_response_format_answer_arrives_as_text_as_its_input_comes()
    {
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "application/vnd.amazon.eventstream";
            await WriteEventAsync(context, "messageStart", """{"role":"assistant"}""");
            await WriteEventAsync(context, "contentBlockStart", """{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t1","name":"switchyard_json_response"}}}""");
            foreach (var fragment in new[] { "{\"ci", "ty\":\"Pa", "ris\"}" })
            {
                await WriteEventAsync(context, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":""" + JsonSerializer.Serialize(fragment) + "}}}");
            }

            await WriteEventAsync(context, "contentBlockStop", """{"contentBlockIndex":0}""");
            await WriteEventAsync(context, "messageStop", """{"stopReason":"tool_use"}""");
        };

        var updates = await CreateClient().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ResponseFormat = ChatResponseFormat.Json }).ToListAsync();

        Assert.Equal(["{\"ci", "ty\":\"Pa", "ris\"}"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        Assert.Empty(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.Stop, updates.Last(u => u.FinishReason is not null).FinishReason);
    }

    private IChatClient CreateClient(string? endpoint = null, TimeProvider? clock = null, string? httpVersion = null)
    {
        var address = endpoint ?? _upstream.Address;
        var options = new BedrockOptions
        {
            Accounts = { ["test"] = new BedrockAccountOptions { AccessKeyId = "AKIATEST", SecretAccessKey = "secret" } },
            Endpoints = { ["us-east-1"] = address },
            HttpVersion = httpVersion,
        };
        var provider = new BedrockProvider(new StaticOptionsMonitor<BedrockOptions>(options), new ProviderTransport(), clock ?? TimeProvider.System);
        return provider.CreateClient(new DeploymentOptions { Provider = "bedrock", Account = "test", Region = "us-east-1", Model = ModelId });
    }

    private static Task WriteEventAsync(HttpContext context, string eventType, string json) =>
        WriteFrameAsync(context, new Dictionary<string, string>
        {
            [":message-type"] = "event",
            [":event-type"] = eventType,
            [":content-type"] = "application/json",
        }, json);

    private static async Task WriteFrameAsync(HttpContext context, Dictionary<string, string> headers, string json)
    {
        await context.Response.Body.WriteAsync(Frame(headers, json));
        await context.Response.Body.FlushAsync();
    }

    private static byte[] Frame(Dictionary<string, string> headers, string json) =>
        new EventStreamMessage(
            [.. headers.Select(h => { var header = new EventStreamHeader(h.Key); header.SetString(h.Value); return (IEventStreamHeader)header; })],
            Encoding.UTF8.GetBytes(json)).ToByteArray();
}
