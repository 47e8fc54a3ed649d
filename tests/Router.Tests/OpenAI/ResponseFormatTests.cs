using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.OpenAI;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary><c>response_format</c> read into a <see cref="ChatResponseFormat"/> the providers honour, or a 400 naming what cannot be honoured.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class ResponseFormatTests(RouterHost host) : IAsyncLifetime
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Json_schema_carries_its_schema_name_and_description()
    {
        var format = Assert.IsType<ChatResponseFormatJson>(Map("""
            {"type":"json_schema","json_schema":{"name":"weather","description":"today","strict":true,"schema":{"type":"object","properties":{"city":{"type":"string"}}}}}
            """));

        Assert.Equal(("weather", "today"), (format.SchemaName, format.SchemaDescription));
        Assert.Equal("""{"type":"object","properties":{"city":{"type":"string"}}}""", format.Schema?.GetRawText());
    }

    [Fact]
    public void Json_object_is_any_json_and_text_is_the_default()
    {
        var json = Assert.IsType<ChatResponseFormatJson>(Map("""{"type":"json_object"}"""));

        Assert.Null(json.Schema);
        Assert.Null(Map("""{"type":"text"}"""));
        Assert.Null(Map("null"));
    }

    [Theory]
    [InlineData("\"json\"", "response_format", "invalid_type")]
    [InlineData("""{"type":"yaml"}""", "response_format.type", "invalid_value")]
    [InlineData("""{}""", "response_format.type", "missing_required_parameter")]
    [InlineData("""{"type":"json_schema"}""", "response_format.json_schema", "missing_required_parameter")]
    [InlineData("""{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}""", "response_format.json_schema.name", "invalid_value")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"has space","schema":{"type":"object"}}}""", "response_format.json_schema.name", "invalid_value")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"array"}}}""", "response_format.json_schema.schema", "invalid_value")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n","schema":[]}}""", "response_format.json_schema.schema", "invalid_value")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n","strict":"yes"}}""", "response_format.json_schema.strict", "invalid_type")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n","description":"\udc00"}}""", "response_format.json_schema.description", "invalid_value")]
    public async Task What_cannot_be_honoured_is_a_400_naming_it(string format, string param, string code)
    {
        using var response = await ImagePartTests.PostAsync(host.CreateClient(), Hi, $$""","response_format":{{format}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = OpenAIError.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((code, param), (error.Code, error.Param));
        Assert.Empty(host.Upstream.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_request_with_a_response_format_is_served_streaming_or_not(bool stream)
    {
        using var response = await ImagePartTests.PostAsync(host.CreateClient(), Hi,
            ",\"stream\":" + (stream ? "true" : "false") + ""","response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static ChatResponseFormat? Map(string format)
    {
        var wire = JsonSerializer.Deserialize($$"""{"model":"m","messages":{{Hi}},"response_format":{{format}}}""", OpenAIJsonContext.Default.ChatCompletionRequest)!;
        return ChatRequestMapper.Map(wire, _ => 100).Options.ResponseFormat;
    }
}
