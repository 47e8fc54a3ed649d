using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;
using static Switchyard.BedrockEmulator.Tests.InvokeCalls;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class InvokeModelApiTests(EmulatorHost host) : EmulatorTest(host)
{
    [Fact]
    public async Task Claude_answers_an_Anthropic_message_with_the_token_count_headers()
    {
        using var client = Host.SignedClient("us-east-2");

        using var response = await InvokeAsync(client, Haiku, Claude(maxTokens: 1000));
        using var converse = await ConverseAsync(client, Haiku, Body(maxTokens: 1000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("msg_bdrk_", message.GetProperty("id").GetString());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(Haiku, message.GetProperty("model").GetString());
        var block = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        var text = block.GetProperty("text").GetString()!;
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        var usage = message.GetProperty("usage");
        Assert.Equal(7, usage.GetProperty("input_tokens").GetInt32());
        var outputTokens = usage.GetProperty("output_tokens").GetInt32();
        Assert.Equal((text.Length + 3) / 4, outputTokens);
        Assert.Equal("7", HeaderValue(response, "X-Amzn-Bedrock-Input-Token-Count"));
        Assert.Equal(outputTokens.ToString(), HeaderValue(response, "X-Amzn-Bedrock-Output-Token-Count"));
        Assert.True(long.Parse(HeaderValue(response, "X-Amzn-Bedrock-Invocation-Latency")) >= 0);
        Assert.False(string.IsNullOrEmpty(HeaderValue(response, "x-amzn-RequestId")));

        // The same prompt gets the same answer whichever API asks.
        var converseText = (await converse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString();
        Assert.Equal(converseText, text);
    }

    [Fact]
    public async Task Claude_system_content_blocks_tool_use_results_and_tool_definitions_count_as_input()
    {
        using var client = Host.SignedClient("us-east-1");
        const string Conversation = """
            "tools":[{"name":"lookup","description":"Looks up.","input_schema":{"type":"object"}}],
            "messages":[
              {"role":"user","content":[{"type":"text","text":"Name three rivers in Europe."}]},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"lookup","input":{"q":"rivers"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"Danube"}]}]}
            """;

        using var blocks = await InvokeAsync(client, Sonnet, """{"anthropic_version":"bedrock-2023-05-31","max_tokens":50,"system":[{"type":"text","text":"You are terse."}],""" + Conversation);
        using var plain = await InvokeAsync(client, Sonnet, """{"anthropic_version":"bedrock-2023-05-31","max_tokens":50,"system":"You are terse.",""" + Conversation);

        // system 14 chars: 4; user 28: 7; tool_use "lookup" + {"q":"rivers"} 20: 5; tool_result 6: 2;
        // tools "lookup" + "Looks up." + {"type":"object"} 32: 8.
        Assert.Equal(HttpStatusCode.OK, blocks.StatusCode);
        Assert.Equal(26, (await blocks.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("26", HeaderValue(plain, "X-Amzn-Bedrock-Input-Token-Count"));
    }

    [Theory]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":20,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Well,"}]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":20,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[]}]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":20,"temperature":0.2,"top_p":0.9,"top_k":40,"tool_choice":{"type":"auto"},"anthropic_beta":["x"],"messages":[{"role":"user","content":"Hi"}]}""")]
    public async Task Claude_accepts_prefills_and_its_optional_parameters(string json)
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await InvokeAsync(client, Sonnet, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Claude_stops_at_max_tokens()
    {
        using var client = Host.SignedClient("us-east-1");

        var message = await (await InvokeAsync(client, Sonnet, Claude(maxTokens: 5))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("max_tokens", message.GetProperty("stop_reason").GetString());
        Assert.Equal(5, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task A_stop_sequence_cuts_the_answer_before_it_streamed_or_not()
    {
        using var client = Host.SignedClient("us-east-1");
        var full = (await (await InvokeAsync(client, Sonnet, Claude(maxTokens: 1000))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content")[0].GetProperty("text").GetString()!;
        var stop = full.Substring(20, 7);
        var at = full.IndexOf(stop, StringComparison.Ordinal);

        var message = await (await InvokeAsync(client, Sonnet, Claude(maxTokens: 1000, stopSequences: ["never-in-the-text", stop]))).Content.ReadFromJsonAsync<JsonElement>();
        var streamed = await ChunksAsync(await InvokeAsync(client, Sonnet, Claude(maxTokens: 1000, stopSequences: [stop]), stream: true));

        Assert.Equal("stop_sequence", message.GetProperty("stop_reason").GetString());
        Assert.Equal(stop, message.GetProperty("stop_sequence").GetString());
        Assert.Equal(full[..at], message.GetProperty("content")[0].GetProperty("text").GetString());
        // The stop sequence was generated, so it counts, though it is not returned.
        Assert.Equal((at + stop.Length + 3) / 4, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(full[..at], StreamedText(streamed));
        var delta = streamed.Single(e => EventName(e) == "message_delta");
        Assert.Equal("stop_sequence", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(stop, delta.GetProperty("delta").GetProperty("stop_sequence").GetString());
    }

    [Fact]
    public async Task Nova_answers_in_its_own_shape_and_takes_max_new_tokens()
    {
        using var client = Host.SignedClient("us-west-2");

        using var response = await InvokeAsync(client, NovaLite, Nova(maxTokens: 1000));
        using var capped = await InvokeAsync(client, NovaLite, """{"messages":[{"role":"user","content":[{"text":"Hi there"}]}],"inferenceConfig":{"max_new_tokens":5}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = answer.GetProperty("output").GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        var text = message.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Equal("end_turn", answer.GetProperty("stopReason").GetString());
        var usage = answer.GetProperty("usage");
        Assert.Equal(7, usage.GetProperty("inputTokens").GetInt32());
        Assert.Equal((text.Length + 3) / 4, usage.GetProperty("outputTokens").GetInt32());
        Assert.Equal(7 + usage.GetProperty("outputTokens").GetInt32(), usage.GetProperty("totalTokens").GetInt32());
        Assert.Equal(usage.GetProperty("outputTokens").GetInt32().ToString(), HeaderValue(response, "X-Amzn-Bedrock-Output-Token-Count"));

        var cappedAnswer = await capped.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("max_tokens", cappedAnswer.GetProperty("stopReason").GetString());
        Assert.Equal(5, cappedAnswer.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task Claude_streams_Anthropic_events_base64_in_chunk_frames_ending_with_invocation_metrics()
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await InvokeAsync(client, "us." + Sonnet, Claude(maxTokens: 10), stream: true);
        var events = await ChunksAsync(response);
        var whole = await (await InvokeAsync(client, Sonnet, Claude(maxTokens: 10))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/json", HeaderValue(response, "X-Amzn-Bedrock-Content-Type"));
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(EventName));
        var start = events[0].GetProperty("message");
        Assert.StartsWith("msg_bdrk_", start.GetProperty("id").GetString());
        Assert.Equal(Sonnet, start.GetProperty("model").GetString());
        Assert.Equal(7, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("text", events[1].GetProperty("content_block").GetProperty("type").GetString());
        Assert.All(events.Where(e => EventName(e) == "content_block_delta"), e => Assert.Equal("text_delta", e.GetProperty("delta").GetProperty("type").GetString()));
        Assert.Equal(whole.GetProperty("content")[0].GetProperty("text").GetString(), StreamedText(events));

        var delta = events[^2];
        Assert.Equal("max_tokens", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, delta.GetProperty("delta").GetProperty("stop_sequence").ValueKind);
        Assert.Equal(10, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var metrics = events[^1].GetProperty("amazon-bedrock-invocationMetrics");
        Assert.Equal(7, metrics.GetProperty("inputTokenCount").GetInt32());
        Assert.Equal(10, metrics.GetProperty("outputTokenCount").GetInt32());
        Assert.InRange(metrics.GetProperty("firstByteLatency").GetInt64(), 0, metrics.GetProperty("invocationLatency").GetInt64());
    }

    [Fact]
    public async Task Nova_streams_its_events_base64_in_chunk_frames()
    {
        using var client = Host.SignedClient("us-east-2");

        var events = await ChunksAsync(await InvokeAsync(client, NovaLite, Nova(maxTokens: 1000), stream: true));

        var names = events.Select(EventName).ToList();
        Assert.Equal("messageStart", names[0]);
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], names[^3..]);
        Assert.All(names[1..^3], name => Assert.Equal("contentBlockDelta", name));
        Assert.Equal("assistant", events[0].GetProperty("messageStart").GetProperty("role").GetString());
        var text = string.Concat(events.Where(e => EventName(e) == "contentBlockDelta").Select(e => e.GetProperty("contentBlockDelta").GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal("end_turn", events[^2].GetProperty("messageStop").GetProperty("stopReason").GetString());
        var usage = events[^1].GetProperty("metadata").GetProperty("usage");
        Assert.Equal(7, usage.GetProperty("inputTokens").GetInt32());
        Assert.Equal((text.Length + 3) / 4, usage.GetProperty("outputTokens").GetInt32());
        Assert.Equal(usage.GetProperty("outputTokens").GetInt32(), events[^1].GetProperty("amazon-bedrock-invocationMetrics").GetProperty("outputTokenCount").GetInt32());
    }

    [Theory]
    [InlineData("{not json", "Malformed input request, please")]
    [InlineData("[1]", "#: expected type: JSONObject")]
    [InlineData("""{"max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", "#: required key [anthropic_version] not found")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-32","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", "#/anthropic_version: bedrock-2023-05-32 is not a valid enum value")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","messages":[{"role":"user","content":"hi"}]}""", "#: required key [max_tokens] not found")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":"ten","messages":[{"role":"user","content":"hi"}]}""", "#/max_tokens: value is not of the expected type")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "#/max_tokens: 0 is not greater or equal to 1")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":999999,"messages":[{"role":"user","content":"hi"}]}""", "exceeds the model limit of 64000")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"model":"claude","messages":[{"role":"user","content":"hi"}]}""", "#: extraneous key [model] is not permitted")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}""", "#/temperature: 1.5 is not less or equal to 1")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"stop_sequences":[""],"messages":[{"role":"user","content":"hi"}]}""", "#/stop_sequences/0: expected minLength: 1")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10}""", "#: required key [messages] not found")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[]}""", "messages: at least one message is required")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"assistant","content":"hi"}]}""", "messages: first message must use the \"user\" role")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"user","content":"again"}]}""", "roles must alternate")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"robot","content":"hi"}]}""", "messages.0.role: Input should be 'user' or 'assistant'")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":""}]}""", "messages.0: all messages must have non-empty content")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":"  "}]}]}""", "text content blocks must contain non-whitespace text")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image_url"}]}]}""", "messages.0.content.0: Input tag 'image_url' found")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":[{"text":"hi"}]}]}""", "messages.0.content.0: Unable to extract tag using discriminator 'type'")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result"}]}]}""", "messages.0.content.0.tool_result.tool_use_id: Field required")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":42}]}""", "#/messages/0/content: expected type: String or JSONArray, found: Number")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"system":[{"type":"tool_use"}],"messages":[{"role":"user","content":"hi"}]}""", "system.0: Input tag 'tool_use' found")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"tools":[{"description":"x"}],"messages":[{"role":"user","content":"hi"}]}""", "#/tools/0: required key [name] not found")]
    public async Task Invalid_Claude_bodies_are_ValidationExceptions(string json, string message) =>
        await AssertInvalidAsync(Sonnet, json, message);

    [Theory]
    [InlineData("{}", "Value null at 'messages'")]
    [InlineData("""{"schemaVersion":"messages-v9","messages":[{"role":"user","content":[{"text":"hi"}]}]}""", "#/schemaVersion: messages-v9 is not a valid enum value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "#/messages/0/content: value is not of the expected type")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":" "}]}]}""", "is blank")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":0}}""", "greater than or equal to 1")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"max_new_tokens":20000}}""", "exceeds the model limit of 10000")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"topK":-1}}""", "#/inferenceConfig/topK: -1 is not greater or equal to 0")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"stopSequences":[""]}}""", "#/inferenceConfig/stopSequences/0")]
    public async Task Invalid_Nova_bodies_are_ValidationExceptions(string json, string message) =>
        await AssertInvalidAsync(NovaLite, json, message);

    [Theory]
    [InlineData(false, "text/plain", null, "content type 'text/plain' is not supported")]
    [InlineData(false, "application/json", "text/html", "accept type 'text/html' is not supported")]
    [InlineData(true, "application/json", "application/xml", "accept type 'application/xml' is not supported")]
    [InlineData(false, "application/octet-stream", "*/*", null)]
    [InlineData(true, "application/json; charset=utf-8", "application/json", null)]
    public async Task The_body_and_the_answer_are_JSON(bool stream, string contentType, string? accept, string? error)
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await InvokeAsync(client, Haiku, Claude(), stream, contentType, accept);

        if (error is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", ErrorType(response));
        Assert.Contains(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Quota_reserves_input_plus_max_tokens_and_settles_output_with_the_burndown()
    {
        (await Host.Admin.PutAsJsonAsync("/admin/quotas", new { account = "primary", region = "us-east-1", model = Sonnet, rpm = 100, tpm = 1000 })).EnsureSuccessStatusCode();
        using var client = Host.SignedClient("us-east-1");

        using var tooMany = await InvokeAsync(client, Sonnet, Claude(maxTokens: 2000));
        using var served = await InvokeAsync(client, Sonnet, Claude(maxTokens: 100));

        Assert.Equal(HttpStatusCode.TooManyRequests, tooMany.StatusCode);
        Assert.Equal("ThrottlingException", ErrorType(tooMany));
        Assert.Contains("Too many tokens", (await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var outputTokens = int.Parse(HeaderValue(served, "X-Amzn-Bedrock-Output-Token-Count"));
        var quota = (await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/quotas"))!
            .Single(q => q.GetProperty("account").GetString() == "primary" && q.GetProperty("region").GetString() == "us-east-1" && q.GetProperty("model").GetString() == Sonnet);
        Assert.Equal(7 + (outputTokens * 5), quota.GetProperty("usedTokens").GetInt64());
        Assert.Equal(1, quota.GetProperty("usedRequests").GetInt64());
    }

    [Fact]
    public async Task A_stream_over_its_request_quota_is_throttled_before_it_starts()
    {
        (await Host.Admin.PutAsJsonAsync("/admin/quotas", new { account = "primary", region = "us-east-2", model = NovaLite, rpm = 1, tpm = 100_000 })).EnsureSuccessStatusCode();
        using var client = Host.SignedClient("us-east-2");

        using var first = await InvokeAsync(client, NovaLite, Nova(), stream: true);
        using var second = await InvokeAsync(client, NovaLite, Nova(), stream: true);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("ThrottlingException", ErrorType(second));
        var log = (await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations"))!;
        Assert.Equal(["success", "throttled"], log.Select(e => e.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task An_outage_answers_ServiceUnavailable()
    {
        await Host.AddFaultAsync(new { kind = "outage", region = "us-west-2", model = Haiku });
        using var client = Host.SignedClient("us-west-2");

        using var response = await InvokeAsync(client, Haiku, Claude());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("ServiceUnavailableException", ErrorType(response));
        Assert.Equal("unavailable", Assert.Single((await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations"))!).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_stream_cut_ends_the_chunks_with_a_modelStreamErrorException()
    {
        await Host.AddFaultAsync(new { kind = "stream-cut", afterEvents = 3 });
        using var client = Host.SignedClient("us-east-1");

        var frames = await FramesAsync(await InvokeAsync(client, Sonnet, Claude(), stream: true));

        Assert.Equal(4, frames.Count);
        Assert.All(frames.Take(3), f => Assert.Equal("chunk", Header(f, ":event-type")));
        Assert.Equal("exception", Header(frames[3], ":message-type"));
        Assert.Equal("modelStreamErrorException", Header(frames[3], ":exception-type"));
        Assert.False(string.IsNullOrEmpty(Payload(frames[3]).GetProperty("message").GetString()));
        var entry = Assert.Single((await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations"))!);
        Assert.Equal("stream-cut", entry.GetProperty("outcome").GetString());
        Assert.Equal("invoke-with-response-stream", entry.GetProperty("api").GetString());
        Assert.Equal(3, entry.GetProperty("outputTokens").GetInt32()); // message_start, content_block_start, one delta of 3 tokens
    }

    [Fact]
    public async Task An_inference_profile_spreads_invocations_over_its_Regions()
    {
        using var client = Host.SignedClient("us-east-1");

        for (var i = 0; i < 30; i++)
        {
            (await InvokeAsync(client, "us." + NovaLite, Nova($"Question number {i}?"))).EnsureSuccessStatusCode();
        }

        using var outside = await InvokeAsync(Host.SignedClient("eu-west-1"), "us." + NovaLite, Nova());

        var log = (await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations?model=us." + NovaLite))!;
        Assert.Equal(30, log.Count(e => e.GetProperty("outcome").GetString() == "success"));
        var served = log.Where(e => e.GetProperty("outcome").GetString() == "success").Select(e => e.GetProperty("region").GetString()).ToList();
        Assert.All(served, region => Assert.Contains(region, new[] { "us-east-1", "us-east-2", "us-west-2" }));
        Assert.True(served.Distinct().Count() >= 2, string.Join(",", served));
        Assert.All(log.Take(30), e =>
        {
            Assert.Equal("us-east-1", e.GetProperty("sourceRegion").GetString());
            Assert.Equal(NovaLite, e.GetProperty("modelId").GetString());
            Assert.Equal("invoke", e.GetProperty("api").GetString());
        });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Equal("ValidationException", ErrorType(outside));
    }

    [Fact]
    public async Task The_invocation_log_records_both_operations_with_their_tokens()
    {
        using var client = Host.SignedClient("eu-west-1", EmulatorHost.SecondaryAccessKey, EmulatorHost.SecondarySecret);

        var answer = await (await InvokeAsync(client, Sonnet, Claude(maxTokens: 8))).Content.ReadFromJsonAsync<JsonElement>();
        (await InvokeAsync(client, "eu." + Sonnet, Claude(maxTokens: 6), stream: true)).EnsureSuccessStatusCode();
        await InvokeAsync(client, Sonnet, "{}");

        var log = (await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations"))!;
        Assert.Equal(["invoke", "invoke-with-response-stream", "invoke"], log.Select(e => e.GetProperty("api").GetString()));
        Assert.Equal(["success", "success", "invalid"], log.Select(e => e.GetProperty("outcome").GetString()));
        Assert.Equal([200, 200, 400], log.Select(e => e.GetProperty("statusCode").GetInt32()));
        Assert.Equal([8, 6, 0], log.Select(e => e.GetProperty("outputTokens").GetInt32()));
        Assert.All(log, e => Assert.Equal("secondary", e.GetProperty("account").GetString()));
        Assert.All(log, e => Assert.Equal("eu-west-1", e.GetProperty("region").GetString()));
        Assert.Equal(answer.GetProperty("usage").GetProperty("input_tokens").GetInt32(), log[0].GetProperty("inputTokens").GetInt32());
        Assert.Equal("eu." + Sonnet, log[1].GetProperty("requestedModel").GetString());
    }

    [Fact]
    public async Task InvokeModel_needs_a_signature_and_a_Region_endpoint()
    {
        using var unsigned = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };
        using var admin = EmulatorHost.SignedClient(Host.Endpoint("admin"), "us-east-1");

        using var denied = await InvokeAsync(unsigned, Sonnet, Claude());
        using var misplaced = await InvokeAsync(admin, Sonnet, Claude(), stream: true);

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", ErrorType(denied));
        Assert.Equal(HttpStatusCode.NotFound, misplaced.StatusCode);
    }

    private static string StreamedText(IEnumerable<JsonElement> claudeEvents) => string.Concat(claudeEvents
        .Where(e => EventName(e) == "content_block_delta")
        .Select(e => e.GetProperty("delta").GetProperty("text").GetString()));

    private async Task AssertInvalidAsync(string modelId, string json, string message)
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await InvokeAsync(client, modelId, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", ErrorType(response));
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal("invalid", Assert.Single((await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations"))!).GetProperty("outcome").GetString());
    }
}
