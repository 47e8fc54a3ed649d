using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.OpenAI;

public sealed class ChatMappingTests
{
    [Fact]
    public void Maps_a_tool_conversation_onto_extensions_ai()
    {
        var request = Parse("""
            {"model":"g","max_completion_tokens":100,"stop":"END","temperature":0.2,"top_p":0.9,
             "tools":[{"type":"function","function":{"name":"weather","description":"Weather by city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"weather"}},
             "messages":[
               {"role":"developer","content":"be brief"},
               {"role":"user","content":[{"type":"text","text":"Weather in "},{"type":"text","text":"Paris?"}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},
               {"role":"tool","tool_call_id":"c1","content":"sunny"}]}
            """);

        var routed = ChatRequestMapper.Map(request, AnyGroup);

        Assert.Equal("g", routed.ModelGroup);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool], routed.Messages.Select(m => m.Role));
        Assert.Equal("Weather in Paris?", routed.Messages[1].Text);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(routed.Messages[2].Contents));
        Assert.Equal(("c1", "weather", "Paris"), (call.CallId, call.Name, call.Arguments?["city"]?.ToString()));
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(routed.Messages[3].Contents));
        Assert.Equal(("c1", "sunny"), (result.CallId, result.Result?.ToString()));
        Assert.Equal(100, routed.Options.MaxOutputTokens);
        Assert.Equal(["END"], routed.Options.StopSequences);
        Assert.Equal("weather", Assert.IsType<AIFunctionDeclaration>(Assert.Single(routed.Options.Tools!), exactMatch: false).Name);
        Assert.Equal("weather", Assert.IsType<RequiredChatToolMode>(routed.Options.ToolMode).RequiredFunctionName);
        Assert.True(routed.ReservedTokens >= 100, "reserves max tokens plus an input estimate");
    }

    [Fact]
    public void Reserves_the_default_output_allowance_when_no_limit_is_set()
    {
        var routed = ChatRequestMapper.Map(Parse("""{"model":"g","messages":[{"role":"user","content":"hi"}]}"""), AnyGroup);

        Assert.Equal(ChatRequestMapper.DefaultReservedOutputTokens + 1, routed.ReservedTokens);
    }

    [Theory]
    [InlineData("""{"model":"g","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"g","stop":["a","b","c","d","e"],"messages":[{"role":"user","content":"hi"}]}""", "stop")]
    [InlineData("""{"model":"g","n":2,"messages":[{"role":"user","content":"hi"}]}""", "n")]
    [InlineData("""{"model":"g","tool_choice":"sometimes","messages":[{"role":"user","content":"hi"}]}""", "tool_choice")]
    [InlineData("""{"model":"g","messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"model":"g","top_p":1.5,"messages":[{"role":"user","content":"hi"}]}""", "top_p")]
    public void Rejects_invalid_values_naming_the_parameter(string json, string param)
    {
        var error = Assert.Throws<RoutingException>(() => ChatRequestMapper.Map(Parse(json), AnyGroup));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(param, error.Param);
    }

    [Theory]
    [InlineData("""{"model":"g","messages":[null]}""", "messages[0]", "invalid_type")]
    [InlineData("""{"model":"g","tools":[null],"messages":[{"role":"user","content":"hi"}]}""", "tools[0]", "invalid_type")]
    [InlineData("""{"model":"g","tools":[{"type":"function"}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function", "invalid_type")]
    [InlineData("""{"model":"g","tools":[{"type":"function","function":{"name":"f","parameters":"x"}}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function.parameters", "invalid_type")]
    [InlineData("""{"model":"g","messages":[{"role":"assistant","content":null,"tool_calls":[null]}]}""", "messages[0].tool_calls[0]", "invalid_type")]
    [InlineData("""{"model":"g","messages":[{"role":"assistant","tool_calls":[{"id":"c"}]}]}""", "messages[0].tool_calls[0].function", "invalid_type")]
    [InlineData("""{"model":"g","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"[1"}}]}]}""", "messages[0].tool_calls[0].function.arguments", "invalid_value")]
    [InlineData("""{"model":"g","messages":[{"role":"user","content":[{"type":1}]}]}""", "messages[0].content[0].type", "invalid_type")]
    [InlineData("""{"model":"g","messages":[{"role":"user","content":[{"type":"text","text":7}]}]}""", "messages[0].content[0].text", "invalid_type")]
    [InlineData("""{"model":"g","messages":[{"role":"user","content":[null]}]}""", "messages[0].content[0]", "invalid_type")]
    [InlineData("""{"model":"g","tool_choice":{"type":"function","function":"f"},"messages":[{"role":"user","content":"hi"}]}""", "tool_choice.function", "invalid_type")]
    [InlineData("""{"model":"g","tool_choice":{"type":"function","function":{"name":3}},"messages":[{"role":"user","content":"hi"}]}""", "tool_choice.function.name", "invalid_type")]
    [InlineData("""{"model":"g","tool_choice":5,"messages":[{"role":"user","content":"hi"}]}""", "tool_choice", "invalid_type")]
    [InlineData("""{"model":"g","messages":[{"content":"hi"}]}""", "messages[0].role", "missing_required_parameter")]
    [InlineData("""{"model":"g","messages":[{"role":"user","content":"\ud800"}]}""", "messages[0].content", "invalid_value")]
    [InlineData("""{"model":"g","max_tokens":8193,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"g","max_completion_tokens":2147483647,"messages":[{"role":"user","content":"hi"}]}""", "max_completion_tokens", "invalid_value")]
    public void Rejects_nulls_wrong_types_and_limits_naming_the_element(string json, string param, string code)
    {
        var error = Assert.Throws<RoutingException>(() => ChatRequestMapper.Map(Parse(json), AnyGroup));

        Assert.Equal((400, "invalid_request_error", code, param), (error.StatusCode, error.ErrorType, error.Code, error.Param));
    }

    [Fact]
    public void Rejects_more_messages_than_the_limit()
    {
        var request = new ChatCompletionRequest
        {
            Model = "g",
            Messages = [.. Enumerable.Repeat<ChatCompletionMessage?>(new ChatCompletionMessage { Role = "user", Content = JsonSerializer.SerializeToElement("x") }, ChatRequestMapper.MaxMessages + 1)],
        };

        var error = Assert.Throws<RoutingException>(() => ChatRequestMapper.Map(request, AnyGroup));

        Assert.Equal((400, "messages"), (error.StatusCode, error.Param));
    }

    [Fact]
    public void An_unknown_model_group_is_a_404_naming_the_model()
    {
        var error = Assert.Throws<RoutingException>(() => ChatRequestMapper.Map(Parse("""{"model":"nope","messages":[{"role":"user","content":"hi"}]}"""), _ => null));

        Assert.Equal((404, "model_not_found", "model"), (error.StatusCode, error.Code, error.Param));
    }

    [Fact]
    public void Reserves_at_most_the_groups_maximum_when_no_limit_is_set_and_the_limit_itself_when_it_is()
    {
        var small = ChatRequestMapper.Map(Parse("""{"model":"g","messages":[{"role":"user","content":"12345678"}]}"""), _ => 1000);
        var exact = ChatRequestMapper.Map(Parse("""{"model":"g","max_tokens":1000,"messages":[{"role":"user","content":"12345678"}]}"""), _ => 1000);

        Assert.Equal(1000 + 2 + 1, small.ReservedTokens); // output maximum + 8 chars / 4 + one message
        Assert.Equal(small.ReservedTokens, exact.ReservedTokens);
        Assert.Equal(1000, exact.Options.MaxOutputTokens);
    }

    [Fact]
    public void Maps_tool_calls_and_usage_back_onto_the_openai_shape()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c9", "weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]))
        {
            FinishReason = ChatFinishReason.ToolCalls,
            Usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4 },
        };

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ChatCompletionResult.Write(writer, "id1", "m", new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), response);
        }

        var json = JsonDocument.Parse(buffer.WrittenMemory).RootElement;

        var choice = json.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("content").ValueKind);
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("c9", call.GetProperty("id").GetString());
        Assert.Equal("""{"city":"Oslo"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(7, json.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        Assert.Equal(1777636800, json.GetProperty("created").GetInt64());
    }

    /// <summary>Every model is a group taking up to 8,192 output tokens.</summary>
    private static int? AnyGroup(string model) => 8192;

    private static ChatCompletionRequest Parse(string json) =>
        JsonSerializer.Deserialize(json, OpenAIJsonContext.Default.ChatCompletionRequest)!;
}
