using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>Converse image blocks (validated as Bedrock does) and forced tools (toolChoice tool/any answered with a toolUse of the tool's schema).</summary>
[Collection(EmulatorCollection.Name)]
public sealed class ConverseImageAndToolChoiceTests(EmulatorHost host) : EmulatorTest(host)
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3, 4];

    private const string WeatherSchema = """
        {"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer","minimum":-40},"rain":{"type":"boolean"},
         "tags":{"type":"array","items":{"type":"string"}},"unit":{"enum":["C","F"]},"where":{"$ref":"#/$defs/place"}},
         "required":["city","celsius"],"$defs":{"place":{"type":"object","properties":{"lat":{"type":"number"}}}}}
        """;

    [Fact]
    public async Task An_image_block_is_accepted_and_counted_in_the_input_tokens()
    {
        using var client = Host.SignedClient("us-east-1");

        var withImage = await (await RawAsync(client, Sonnet, ImageBody("png", Png))).Content.ReadFromJsonAsync<JsonElement>();
        var withoutImage = await (await ConverseAsync(client, Sonnet, Body("What is this?"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(withImage.GetProperty("usage").GetProperty("inputTokens").GetInt32() > withoutImage.GetProperty("usage").GetProperty("inputTokens").GetInt32());
        Assert.Equal("end_turn", withImage.GetProperty("stopReason").GetString());
    }

    [Theory]
    [InlineData("bmp", "failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]")]
    [InlineData("jpeg", "Image does not match the provided media type image/jpeg")]
    public async Task A_bad_image_block_is_a_validation_error(string format, string message)
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await RawAsync(client, Sonnet, ImageBody(format, Png));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", ErrorType(response));
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_in_an_assistant_turn_is_refused()
    {
        using var client = Host.SignedClient("us-east-1");
        var image = Convert.ToBase64String(Png);

        using var response = await RawAsync(client, Sonnet, J("{'messages':[{'role':'user','content':[{'text':'hi'}]},{'role':'assistant','content':[{'image':{'format':'png','source':{'bytes':'")
            + image + J("'}}}]},{'role':'user','content':[{'text':'and?'}]}]}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("only be included in user messages", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"tool":{"name":"weather"}}""")]
    [InlineData("""{"any":{}}""")]
    public async Task A_forced_tool_is_answered_with_a_tool_use_whose_input_fits_the_schema(string choice)
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await RawAsync(client, Sonnet, ToolBody(choice));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tool_use", answer.GetProperty("stopReason").GetString());
        var toolUse = Assert.Single(answer.GetProperty("output").GetProperty("message").GetProperty("content").EnumerateArray()).GetProperty("toolUse");
        Assert.Equal("weather", toolUse.GetProperty("name").GetString());
        Assert.StartsWith("tooluse_", toolUse.GetProperty("toolUseId").GetString());
        AssertFitsWeather(toolUse.GetProperty("input"));
        Assert.Equal((toolUse.GetProperty("input").GetRawText().Length + 3) / 4, answer.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task Auto_tool_choice_answers_in_text()
    {
        using var client = Host.SignedClient("us-east-1");

        var answer = await (await RawAsync(client, Sonnet, ToolBody("""{"auto":{}}"""))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("end_turn", answer.GetProperty("stopReason").GetString());
        Assert.True(answer.GetProperty("output").GetProperty("message").GetProperty("content")[0].TryGetProperty("text", out _));
    }

    [Fact]
    public async Task A_forced_tool_streams_its_input_in_tool_use_deltas()
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await client.PostAsync($"model/{Sonnet}/converse-stream", new StringContent(ToolBody("""{"tool":{"name":"weather"}}"""), System.Text.Encoding.UTF8, "application/json"));
        var frames = await FramesAsync(response);

        var events = frames.Select(f => Header(f, ":event-type")).ToList();
        Assert.Equal(["messageStart", "contentBlockStart"], events[..2]);
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], events[^3..]);
        var start = Payload(frames[1]).GetProperty("start").GetProperty("toolUse");
        Assert.Equal("weather", start.GetProperty("name").GetString());
        var input = string.Concat(frames.Where(f => Header(f, ":event-type") == "contentBlockDelta")
            .Select(f => Payload(f).GetProperty("delta").GetProperty("toolUse").GetProperty("input").GetString()));
        AssertFitsWeather(JsonDocument.Parse(input).RootElement);
        Assert.Equal("tool_use", Payload(frames[^2]).GetProperty("stopReason").GetString());
    }

    [Theory]
    [InlineData("""{"tools":[],"toolChoice":{"any":{}}}""", "toolConfig.tools")]
    [InlineData("""{"tools":[{"toolSpec":{"name":"weather","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"tool":{"name":"other"}}}""", "Tool 'other' not found")]
    [InlineData("""{"tools":[{"toolSpec":{"name":"weather","inputSchema":{"json":{"type":"string"}}}}]}""", "input_schema.type: Input should be 'object'")]
    [InlineData("""{"tools":[{"toolSpec":{"name":"weather","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"any":{},"auto":{}}}""", "toolConfig.toolChoice")]
    public async Task A_bad_tool_config_is_a_validation_error(string toolConfig, string message)
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await RawAsync(client, Sonnet, $$"""{"messages":[{"role":"user","content":[{"text":"hi"}]}],"toolConfig":{{toolConfig}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static void AssertFitsWeather(JsonElement input)
    {
        Assert.Equal(JsonValueKind.String, input.GetProperty("city").ValueKind);
        Assert.True(input.GetProperty("celsius").GetInt32() >= -40);
        Assert.Equal(JsonValueKind.True, input.GetProperty("rain").ValueKind);
        Assert.Equal(JsonValueKind.String, Assert.Single(input.GetProperty("tags").EnumerateArray()).ValueKind);
        Assert.Equal("C", input.GetProperty("unit").GetString());
        Assert.Equal(JsonValueKind.Number, input.GetProperty("where").GetProperty("lat").ValueKind);
    }

    private static string ImageBody(string format, byte[] image) =>
        J("{'messages':[{'role':'user','content':[{'text':'What is this?'},{'image':{'format':'") + format
        + J("','source':{'bytes':'") + Convert.ToBase64String(image) + J("'}}}]}]}");

    private static string ToolBody(string choice) =>
        J("{'messages':[{'role':'user','content':[{'text':'Weather in Paris?'}]}],'toolConfig':{'tools':[{'toolSpec':{'name':'weather','inputSchema':{'json':")
        + WeatherSchema + J("}}}],'toolChoice':") + choice + "}}";

    /// <summary>JSON written with single quotes, for readability next to interpolated parts.</summary>
    private static string J(string json) => json.Replace('\'', '"');
}
