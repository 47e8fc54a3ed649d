using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Anthropic;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.Bedrock;

namespace Switchyard.Router.Tests.Anthropic;

/// <summary>Messages requests onto the protocol-free core, and on to Converse: tool turns, images, cache points, top_k.</summary>
public sealed class MessagesMappingTests
{
    private const string Png = "iVBORw0KGgo="; // the PNG signature

    [Fact]
    public void Maps_a_tool_conversation_with_a_tool_result_turn()
    {
        var mapped = Map("""
            {"model":"g","max_tokens":100,"temperature":0.2,"top_p":0.9,"top_k":40,"stop_sequences":["END"],
             "metadata":{"user_id":"u1"},
             "system":"be brief",
             "tools":[{"name":"weather","description":"Weather by city","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"tool","name":"weather"},
             "messages":[
               {"role":"user","content":"Weather in Paris?"},
               {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},{"type":"text","text":"And tomorrow?"}]}]}
            """);

        var request = mapped.Request;
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Equal("be brief", request.Messages[0].Text);
        Assert.Equal("Checking.", Assert.IsType<TextContent>(request.Messages[2].Contents[0]).Text);
        var call = Assert.IsType<FunctionCallContent>(request.Messages[2].Contents[1]);
        Assert.Equal(("toolu_1", "weather", "Paris"), (call.CallId, call.Name, call.Arguments?["city"]?.ToString()));
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(request.Messages[3].Contents));
        Assert.Equal(("toolu_1", "sunny"), (result.CallId, result.Result));
        Assert.Null(result.Exception);
        Assert.Equal("And tomorrow?", request.Messages[4].Text);
        Assert.Equal(100, request.Options.MaxOutputTokens);
        Assert.Equal((0.2f, 0.9f, 40), (request.Options.Temperature, request.Options.TopP, request.Options.TopK));
        Assert.Equal(["END"], request.Options.StopSequences);
        Assert.Equal("weather", Assert.IsType<AIFunctionDeclaration>(Assert.Single(request.Options.Tools!), exactMatch: false).Name);
        Assert.Equal("weather", Assert.IsType<RequiredChatToolMode>(request.Options.ToolMode).RequiredFunctionName);
        Assert.True(request.ReservedTokens >= 100 + mapped.InputTokens, "reserves max tokens plus the input estimate");
    }

    [Fact]
    public void An_error_tool_result_with_an_image_keeps_both_parts_and_is_marked_failed()
    {
        var mapped = Map($$$"""
            {"model":"g","max_tokens":10,"messages":[
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,"content":[
                {"type":"text","text":"screenshot:"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}}]}]}]}
            """);

        var result = Assert.IsType<FunctionResultContent>(Assert.Single(mapped.Request.Messages[0].Contents));
        var parts = Assert.IsAssignableFrom<IEnumerable<AIContent>>(result.Result).ToList();
        Assert.Equal("screenshot:", Assert.IsType<TextContent>(parts[0]).Text);
        Assert.Equal("image/png", Assert.IsType<DataContent>(parts[1]).MediaType);
        Assert.IsType<ToolFailedException>(result.Exception);
        Assert.True(mapped.InputTokens >= MessagesRequestMapper.ImageTokens, "an image counts at its flat rate");
    }

    [Fact]
    public void Cache_control_and_images_reach_converse_as_cache_points_and_image_blocks()
    {
        var mapped = Map($$$"""
            {"model":"g","max_tokens":10,"top_k":5,
             "system":[{"type":"text","text":"header"},{"type":"text","text":"long instructions","cache_control":{"type":"ephemeral"}}],
             "messages":[
               {"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}},{"type":"text","text":"what is this?","cache_control":{"type":"ephemeral","ttl":"1h"}}]},
               {"role":"system","content":"mid-conversation note"}]}
            """);

        var converse = JsonSerializer.SerializeToElement(ConverseRequestMapper.Map(mapped.Request.Messages, mapped.Request.Options, "us.anthropic.claude-haiku-4-5-20251001-v1:0"), ConverseJsonContext.Default.ConverseRequest);

        Assert.Equal("""[{"text":"header"},{"text":"long instructions"},{"cachePoint":{"type":"default"}},{"text":"mid-conversation note"}]""", converse.GetProperty("system").GetRawText());
        var message = Assert.Single(converse.GetProperty("messages").EnumerateArray());
        Assert.Equal("""[{"image":{"format":"png","source":{"bytes":""" + $"\"{Png}\"" + """}}},{"text":"what is this?"},{"cachePoint":{"type":"default"}}]""", message.GetProperty("content").GetRawText());
        Assert.Equal(5, converse.GetProperty("additionalModelRequestFields").GetProperty("top_k").GetInt32());
        Assert.IsType<CachePointContent>(mapped.Request.Messages[1].Contents[^1]);

        // A model family without prompt caching or top_k gets neither.
        var llama = JsonSerializer.SerializeToElement(ConverseRequestMapper.Map(mapped.Request.Messages, mapped.Request.Options, "meta.llama3-70b-instruct-v1:0"), ConverseJsonContext.Default.ConverseRequest);
        Assert.DoesNotContain("cachePoint", llama.GetRawText());
        Assert.False(llama.TryGetProperty("additionalModelRequestFields", out _));
    }

    [Fact]
    public void Converse_cache_usage_is_reported_back_in_anthropics_usage()
    {
        var usage = ConverseRequestMapper.MapUsage(new TokenUsage { InputTokens = 10, OutputTokens = 3, TotalTokens = 13, CacheReadInputTokens = 1200, CacheWriteInputTokens = 300 });

        var wire = MessagesResponseMapper.ToUsage(usage, 999, 999);

        Assert.Equal((10L, 3L, 1200L, 300L), (wire.InputTokens, wire.OutputTokens, wire.CacheReadInputTokens, wire.CacheCreationInputTokens));
    }

    [Theory]
    [InlineData("""{"model":"g","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x"}}]}]}""", "messages[0].content[0].source.type")]
    [InlineData("""{"model":"g","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/tiff","data":"AA=="}}]}]}""", "media_type")]
    [InlineData("""{"model":"g","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":[1]}]}]}""", "messages[0].content[0].input")]
    [InlineData("""{"model":"g","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"n","input":{}}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"g","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"forever"}}]}]}""", "cache_control.type")]
    [InlineData("""{"model":"g","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "messages[0].content[0].text")]
    [InlineData("""{"model":"g","max_tokens":1,"tool_choice":{"type":"tool"},"messages":[{"role":"user","content":"x"}]}""", "tool_choice.name")]
    [InlineData("""{"model":"g","max_tokens":1,"metadata":{"user_id":7},"messages":[{"role":"user","content":"x"}]}""", "metadata.user_id")]
    [InlineData("""{"model":"g","max_tokens":1,"system":[{"type":"image"}],"messages":[{"role":"user","content":"x"}]}""", "system[0].type")]
    [InlineData("""{"model":"g","max_tokens":1,"messages":[null]}""", "messages[0]")]
    // Free-form values that are no text (bench/fuzz, the Messages suite: tool inputs and schemas like these were 500s).
    [InlineData("""{"model":"g","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":{"\ud800":1}}]}]}""", "messages[0].content[0].input")]
    [InlineData("""{"model":"g","max_tokens":1,"tools":[{"name":"x","input_schema":{"type":"object","description":"a\udfffb"}}],"messages":[{"role":"user","content":"x"}]}""", "tools[0].input_schema")]
    public void Refuses_malformed_content_naming_the_element(string json, string param)
    {
        var refused = Assert.Throws<Switchyard.Router.Routing.RoutingException>(() => Map(json));

        Assert.Equal(400, refused.StatusCode);
        Assert.Contains(param, refused.Message);
    }

    private static MappedMessages Map(string json) =>
        MessagesRequestMapper.Map(JsonSerializer.Deserialize(json, AnthropicJsonContext.Default.MessagesRequest)!, _ => 4096);
}
