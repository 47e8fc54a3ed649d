using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using OpenAI;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.OpenAICompatible;

namespace Switchyard.Router.Tests.OpenAICompatible;

/// <summary>
/// The Router's own Chat Completions client against the OpenAI SDK's Microsoft.Extensions.AI adapter it
/// replaced, on the same loopback upstream: the same request bodies for everything the doors put into the
/// core, and the same updates and answers read back from well-formed answers.
/// </summary>
public sealed class OpenAICompatibleParityTests : IAsyncLifetime
{
    private static readonly JsonElement Schema = JsonElement.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    private readonly LoopbackUpstream _upstream = new();

    public Task InitializeAsync() => _upstream.InitializeAsync();

    public Task DisposeAsync() => _upstream.DisposeAsync();

    /// <summary>What the doors make: system prompts with cache points, images (data with a detail, https), tool calls and results, a prefill.</summary>
    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, [new TextContent("be brief"), new CachePointContent()]),
        new(ChatRole.System, "second system"),
        new(ChatRole.User,
        [
            new TextContent("look"),
            new DataContent(Convert.FromBase64String("iVBORw0KGgo="), "image/png") { AdditionalProperties = new() { ["detail"] = "low" } },
            new UriContent(new Uri("https://x.test/a.png"), "image/*"),
            new TextContent("what?"),
        ]),
        new(ChatRole.Assistant,
        [
            new TextContent("calling"),
            new FunctionCallContent("call_1", "weather", new Dictionary<string, object?> { ["city"] = "Paris", ["n"] = 3, ["nested"] = JsonElement.Parse("""{"a":[1,"é+<"]}""") }),
        ]),
        new(ChatRole.Assistant, [new FunctionCallContent("call_2", "noargs", new Dictionary<string, object?>())]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny"), new FunctionResultContent("call_2", null)]),
        new(ChatRole.Tool, [new FunctionResultContent("call_3", "boom") { Exception = new InvalidOperationException("boom") }]),
        new(ChatRole.User, "plain \"quoted\" ünïcode 😀"),
        new(ChatRole.User, []),
        new(ChatRole.Assistant, "prefill"),
    ];

    public static TheoryData<string> OptionSets => [.. Options().Keys];

    private static Dictionary<string, ChatOptions?> Options() => new()
    {
        ["none"] = null,
        ["empty"] = new ChatOptions(),
        ["all"] = new ChatOptions
        {
            Temperature = 0.7f, TopP = 0.9f, TopK = 7, MaxOutputTokens = 100, StopSequences = ["END", "STOP"], Seed = 42,
            FrequencyPenalty = 0.25f, PresencePenalty = -0.5f,
            Tools =
            [
                AIFunctionFactory.CreateDeclaration("weather", "Gets weather", Schema),
                AIFunctionFactory.CreateDeclaration("noargs", null, JsonElement.Parse("""{"type":"object","properties":{}}""")),
                AIFunctionFactory.CreateDeclaration("rich", "d", JsonElement.Parse(
                    """{"type":"object","description":"x","$defs":{"p":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/p"}},"required":["a","a"],"additionalProperties":true}""")),
            ],
            ToolMode = ChatToolMode.RequireSpecific("weather"),
            AllowMultipleToolCalls = false,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "answer", "the answer"),
        },
        ["auto"] = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("weather", null, Schema)], ToolMode = ChatToolMode.Auto, AllowMultipleToolCalls = true, ResponseFormat = ChatResponseFormat.Json },
        ["required"] = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("weather", null, Schema)], ToolMode = ChatToolMode.RequireAny },
        ["no tool"] = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("weather", null, Schema)], ToolMode = ChatToolMode.None },
        ["tools, no mode"] = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("weather", null, Schema)] },
        ["mode without tools"] = new ChatOptions { ToolMode = ChatToolMode.RequireAny, AllowMultipleToolCalls = true, ResponseFormat = ChatResponseFormat.Text },
        ["nested optional schema"] = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonElement.Parse(
                """{"type":"object","properties":{"a":{"type":"integer","default":3},"b":{"type":"object","properties":{"c":{"type":"string"}}}},"required":["a"]}""")),
        },
    };

    [Theory]
    [MemberData(nameof(OptionSets))]
    public async Task Sends_the_body_the_adapter_sent(string optionSet)
    {
        foreach (var stream in new[] { false, true })
        {
            var expected = await CaptureAsync(Reference(), optionSet, stream);
            var actual = await CaptureAsync(Ours(), optionSet, stream);

            Assert.True(JsonNode.DeepEquals(expected, actual), $"stream={stream}\nadapter: {expected.ToJsonString()}\nours:    {actual.ToJsonString()}");
        }
    }

    /// <summary>Chunks as OpenAI, vLLM and the emulator send them.</summary>
    public static TheoryData<string, string> Streams => new()
    {
        {
            "text, then usage", """
            data: {"id":"r1","object":"chat.completion.chunk","created":1700000000,"model":"m-1","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

            data: {"id":"r1","object":"chat.completion.chunk","created":1700000000,"model":"m-1","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

            data: {"id":"r1","object":"chat.completion.chunk","created":1700000000,"model":"m-1","choices":[{"index":0,"delta":{"content":"lo \u00e9\n"},"finish_reason":null}]}

            data: {"id":"r1","object":"chat.completion.chunk","created":1700000000,"model":"m-1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"r1","object":"chat.completion.chunk","created":1700000000,"model":"m-1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0}}}

            data: [DONE]


            """
        },
        {
            "tool calls", """
            data: {"id":"r2","object":"chat.completion.chunk","created":1700000001,"model":"m-2","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]}

            data: {"id":"r2","object":"chat.completion.chunk","created":1700000001,"model":"m-2","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}

            data: {"id":"r2","object":"chat.completion.chunk","created":1700000001,"model":"m-2","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Par\\\"is\"}"}},{"index":1,"id":"call_b","type":"function","function":{"name":"noargs","arguments":""}}]},"finish_reason":null}]}

            data: {"id":"r2","object":"chat.completion.chunk","created":1700000001,"model":"m-2","choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"id":"call_c","type":"function","function":{"name":"bad","arguments":"{not json"}},{"index":3,"id":"call_d","function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":null}

            data: {"id":"r2","object":"chat.completion.chunk","created":1700000001,"model":"m-2","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}

            data: [DONE]


            """
        },
        { "no [DONE]", "data: {\"id\":\"r3\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"length\"}]}\n\n" },
        { "CRLF, comments, event names", ": keepalive\r\n\r\nevent: message\r\ndata: {\"id\":\"r4\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"content_filter\"}]}\r\n\r\ndata:[DONE]\r\n\r\n" },
        { "two choices", "data: {\"id\":\"r8\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}\n\ndata: [DONE]\n\n" },
        { "after [DONE]", "data: {\"id\":\"r9\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\ndata: {\"id\":\"r9\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\n\n" },
        { "nothing", "" },
        { "only [DONE]", "data: [DONE]\n\n" },
        { "usage with the last text", "data: {\"id\":\"r11\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\ndata: [DONE]\n\n" },
        { "another role", "data: {\"id\":\"r12\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"tool\",\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n" },
        { "no choices member", "data: {\"id\":\"r14\",\"created\":5,\"model\":\"m\"}\n\ndata: [DONE]\n\n" },
        { "a data field split over lines", "data: {\"id\":\"r5\",\"created\":5,\ndata: \"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"z\"},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n" },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Streams_the_updates_the_adapter_streamed(string name, string body)
    {
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(body);
        };

        var expected = await DescribeStreamAsync(Reference());
        var actual = await DescribeStreamAsync(Ours());

        Assert.True(expected.SequenceEqual(actual), $"{name}\nadapter:\n{string.Join("\n", expected)}\nours:\n{string.Join("\n", actual)}");
    }

    public static TheoryData<string, string> Completions => new()
    {
        {
            "text", """{"id":"c1","object":"chat.completion","created":1700000000,"model":"m-1","system_fingerprint":"fp","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4}}}"""
        },
        {
            "tool calls", """{"id":"c2","object":"chat.completion","created":1700000000,"model":"m-1","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_b","type":"function","function":{"name":"bad","arguments":"{oops"}}]},"finish_reason":"tool_calls"}]}"""
        },
        { "no usage", """{"id":"c3","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"length"}]}""" },
    };

    [Theory]
    [MemberData(nameof(Completions))]
    public async Task Reads_the_answer_the_adapter_read(string name, string body)
    {
        _upstream.Handler = context => context.Response.WriteAsync(body);

        var expected = Describe(await Reference().GetResponseAsync([new ChatMessage(ChatRole.User, "x")]));
        var actual = Describe(await Ours().GetResponseAsync([new ChatMessage(ChatRole.User, "x")]));

        Assert.True(expected == actual, $"{name}\nadapter: {expected}\nours:    {actual}");
    }

    private async Task<JsonNode> CaptureAsync(IChatClient client, string optionSet, bool stream)
    {
        _upstream.Requests.Clear();
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = stream ? "text/event-stream" : "application/json";
            await context.Response.WriteAsync(stream
                ? "data: {\"id\":\"x\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
                : """{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""");
        };
        if (stream)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Conversation(), Options()[optionSet]))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(Conversation(), Options()[optionSet]);
        }

        var body = JsonNode.Parse(Assert.Single(_upstream.Requests).Body.GetRawText())!;
        // Arguments are JSON in a string; the adapter indents it, the Router does not.
        foreach (var call in body["messages"]!.AsArray().SelectMany(m => m!["tool_calls"]?.AsArray() ?? []))
        {
            var function = call!["function"]!;
            function["arguments"] = JsonNode.Parse(function["arguments"]!.GetValue<string>());
        }

        return body;
    }

    private static async Task<List<string>> DescribeStreamAsync(IChatClient client)
    {
        List<string> updates = [];
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")]))
        {
            updates.Add(Describe(update));
        }

        return updates;
    }

    internal static string Describe(ChatResponseUpdate u) =>
        $"role={u.Role} id={u.ResponseId}/{u.MessageId} model={u.ModelId} created={u.CreatedAt?.ToUnixTimeSeconds()} finish={u.FinishReason} [{string.Join("; ", u.Contents.Select(Describe))}]";

    private static string Describe(ChatResponse r) =>
        $"id={r.ResponseId} model={r.ModelId} created={r.CreatedAt?.ToUnixTimeSeconds()} finish={r.FinishReason} usage={(r.Usage is null ? "-" : Describe(new UsageContent(r.Usage)))} " +
        string.Join(" | ", r.Messages.Select(m => $"{m.Role} {m.MessageId} [{string.Join("; ", m.Contents.Select(Describe))}]"));

    internal static string Describe(AIContent content) => content switch
    {
        TextContent text => $"text '{text.Text}'",
        FunctionCallContent call => $"call {call.CallId} {call.Name} {JsonSerializer.Serialize(call.Arguments)} {call.Exception?.GetType().Name}",
        // The adapter also reported audio and prediction counts, which nothing in the Router reads.
        UsageContent usage => $"usage {usage.Details.InputTokenCount}/{usage.Details.OutputTokenCount}/{usage.Details.TotalTokenCount} cached={usage.Details.CachedInputTokenCount} reasoning={usage.Details.ReasoningTokenCount}",
        _ => content.GetType().Name,
    };

    private IChatClient Ours()
    {
        var options = new OpenAIProvidersOptions();
        options.Endpoints["up"] = new OpenAIProviderOptions { Endpoint = _upstream.Address, ApiKey = "k" };
        var provider = new OpenAICompatibleProvider(new StaticOptionsMonitor<OpenAIProvidersOptions>(options), new ProviderTransport(), TimeProvider.System);
        return provider.CreateClient(new DeploymentOptions { Provider = "openai", Account = "up", Model = "upstream-model" });
    }

    private IChatClient Reference() =>
        new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = new Uri(_upstream.Address + "/v1"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) })
            .GetChatClient("upstream-model").AsIChatClient();
}
