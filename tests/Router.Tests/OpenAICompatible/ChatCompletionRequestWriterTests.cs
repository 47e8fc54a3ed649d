using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.OpenAICompatible;

namespace Switchyard.Router.Tests.OpenAICompatible;

/// <summary>Every content kind and option the doors put into the core, to the JSON it becomes.</summary>
public sealed class ChatCompletionRequestWriterTests
{
    private static readonly JsonElement Schema = JsonElement.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    [Fact]
    public void A_bare_request_has_the_model_and_messages_only()
    {
        AssertBody("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", [new(ChatRole.User, "hi")], null, stream: false);
    }

    [Fact]
    public void A_stream_asks_for_usage()
    {
        AssertBody("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""",
            [new(ChatRole.User, "hi")], new ChatOptions(), stream: true);
    }

    [Fact]
    public void Sampling_options_and_limits_are_sent_as_chat_completions_names()
    {
        AssertBody("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.5,"top_p":0.25,"max_completion_tokens":100,
             "frequency_penalty":-1.5,"presence_penalty":2,"seed":7,"stop":["END","\n"]}
            """,
            [new(ChatRole.User, "hi")],
            new ChatOptions { Temperature = 0.5f, TopP = 0.25f, MaxOutputTokens = 100, FrequencyPenalty = -1.5f, PresencePenalty = 2, Seed = 7, StopSequences = ["END", "\n"], TopK = 40 },
            stream: false);
    }

    [Fact]
    public void System_text_and_cache_points_become_one_string()
    {
        AssertBody("""{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"developer","content":"d"},{"role":"user","content":""}]}""",
            [new(ChatRole.System, [new TextContent("be brief"), new CachePointContent()]), new(new ChatRole("developer"), "d"), new(ChatRole.User, [])],
            null, stream: false);
    }

    [Fact]
    public void Images_go_as_data_and_https_urls_with_their_detail()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0xFB, 0xFF };
        AssertBody("""
            {"model":"m","messages":[{"role":"user","name":"ann","content":[
              {"type":"text","text":"what?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,BASE64","detail":"high"}},
              {"type":"image_url","image_url":{"url":"https://x.test/a%20b.png"}}]}]}
            """.Replace("BASE64", Convert.ToBase64String(png)),
            [new(ChatRole.User,
            [
                new TextContent("what?"),
                new DataContent(png, "image/png") { AdditionalProperties = new() { ["detail"] = "high" } },
                new UriContent(new Uri("https://x.test/a b.png"), "image/*"),
                new CachePointContent(),
            ]) { AuthorName = "ann" }],
            null, stream: false);
    }

    [Fact]
    public void Tool_calls_and_results_become_assistant_tool_calls_and_tool_messages()
    {
        AssertBody("""
            {"model":"m","messages":[
              {"role":"assistant","content":"let me see","tool_calls":[
                {"id":"c1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\",\"days\":[1,2]}"}},
                {"id":"c2","type":"function","function":{"name":"now","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"sunny"},
              {"role":"tool","tool_call_id":"c2","content":""},
              {"role":"tool","tool_call_id":"c3","content":"failed"},
              {"role":"tool","tool_call_id":"c4","content":"[{\"$type\":\"text\",\"text\":\"t\"}]"}]}
            """,
            [
                new(ChatRole.Assistant,
                [
                    new TextContent("let me see"),
                    new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = JsonElement.Parse("[1,2]") }),
                    new FunctionCallContent("c2", "now"),
                ]),
                new(ChatRole.Tool, [new FunctionResultContent("c1", "sunny"), new FunctionResultContent("c2", null)]),
                new(ChatRole.Tool, [new FunctionResultContent("c3", "failed") { Exception = new InvalidOperationException("failed") }]),
                new(ChatRole.Tool, [new FunctionResultContent("c4", new List<AIContent> { new TextContent("t") })]),
            ],
            null, stream: false);
    }

    [Fact]
    public void An_assistant_turn_of_tool_calls_only_has_no_content()
    {
        AssertBody("""{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}""",
            [new(ChatRole.Assistant, [new FunctionCallContent("c", "f", new Dictionary<string, object?>())])], null, stream: false);
    }

    [Theory]
    [InlineData("auto", "\"auto\"")]
    [InlineData("none", "\"none\"")]
    [InlineData("required", "\"required\"")]
    [InlineData("weather", """{"type":"function","function":{"name":"weather"}}""")]
    [InlineData(null, "\"auto\"")]
    public void Tools_are_declared_with_the_choice(string? mode, string choice)
    {
        ChatToolMode? toolMode = mode switch
        {
            "auto" => ChatToolMode.Auto,
            "none" => ChatToolMode.None,
            "required" => ChatToolMode.RequireAny,
            null => null,
            var name => ChatToolMode.RequireSpecific(name),
        };
        AssertBody("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],
             "tools":[{"type":"function","function":{"name":"weather","description":"Gets weather","parameters":{"type":"object","required":["city"],"properties":{"city":{"type":"string"}},"additionalProperties":false}}},
                      {"type":"function","function":{"name":"any","description":"","parameters":{"type":"object","required":[],"properties":{},"additionalProperties":true,"$defs":{"x":{}}}}}],
             "tool_choice":CHOICE,"parallel_tool_calls":false}
            """.Replace("CHOICE", choice),
            [new(ChatRole.User, "hi")],
            new ChatOptions
            {
                Tools =
                [
                    AIFunctionFactory.CreateDeclaration("weather", "Gets weather", Schema),
                    AIFunctionFactory.CreateDeclaration("any", null, JsonElement.Parse("""{"additionalProperties":true,"$defs":{"x":{}}}""")),
                ],
                ToolMode = toolMode,
                AllowMultipleToolCalls = false,
            },
            stream: false);
    }

    [Fact]
    public void A_tool_choice_or_parallel_calls_without_tools_are_not_sent()
    {
        AssertBody("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""",
            [new(ChatRole.User, "hi")], new ChatOptions { ToolMode = ChatToolMode.RequireAny, AllowMultipleToolCalls = true, Tools = [] }, stream: false);
    }

    [Fact]
    public void Response_formats_are_text_json_object_or_a_strict_json_schema()
    {
        AssertBody("""{"model":"m","messages":[],"response_format":{"type":"text"}}""", [], new ChatOptions { ResponseFormat = ChatResponseFormat.Text }, stream: false);
        AssertBody("""{"model":"m","messages":[],"response_format":{"type":"json_object"}}""", [], new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, stream: false);
        AssertBody("""
            {"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"answer","description":"the answer",
              "schema":{"type":"object","properties":{"city":{"type":"string"},"n":{"type":"integer"}},"required":["city","n"],"additionalProperties":false}}}}
            """,
            [],
            new ChatOptions
            {
                ResponseFormat = ChatResponseFormat.ForJsonSchema(
                    JsonElement.Parse("""{"type":"object","properties":{"city":{"type":"string"},"n":{"type":"integer"}},"required":["city"]}"""), "answer", "the answer"),
            },
            stream: false);
    }

    [Fact]
    public void Text_is_escaped_only_as_json_requires()
    {
        var body = Encoding.UTF8.GetString(ChatCompletionRequestWriter.Write([new(ChatRole.User, "a+b<c> \"é\" 😀\n")], null, "m", stream: false));

        // Only the quotes and the newline: characters outside the basic plane go as UTF-8 too (JsonStringWriter).
        Assert.Equal("""{"model":"m","messages":[{"role":"user","content":"a+b<c> \"é\" 😀\n"}]}""", body);
    }

    [Fact]
    public void A_large_image_grows_the_pooled_buffer_and_the_body_has_its_exact_size()
    {
        var image = new byte[300_000];
        new Random(1).NextBytes(image);

        var body = ChatCompletionRequestWriter.Write([new(ChatRole.User, [new DataContent(image, "image/jpeg")])], null, "m", stream: false);

        var url = JsonNode.Parse(body)!["messages"]![0]!["content"]![0]!["image_url"]!["url"]!.GetValue<string>();
        Assert.Equal("data:image/jpeg;base64," + Convert.ToBase64String(image), url);
        Assert.Equal(body.Length, Encoding.UTF8.GetByteCount(Encoding.UTF8.GetString(body)));
        Assert.Equal((byte)'}', body[^1]);
    }

    private static void AssertBody(string expected, List<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var actual = JsonNode.Parse(ChatCompletionRequestWriter.Write(messages, options, "m", stream));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {JsonNode.Parse(expected)!.ToJsonString()}\nactual   {actual!.ToJsonString()}");
    }
}
