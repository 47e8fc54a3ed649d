using System.Text.Json;
using Switchyard.Tests;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>
/// InvokeModel and InvokeModelWithResponseStream with a real third-party client: tests/interop/bedrock-invoke.mjs
/// (<c>@aws-sdk/client-bedrock-runtime</c>) against the emulator's us-east-1 endpoint.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class InvokeModelInteropTests(EmulatorHost host) : EmulatorTest(host)
{
    private const string NovaPro = "amazon.nova-pro-v1:0";

    [Fact]
    public async Task The_AWS_SDK_for_JavaScript_invokes_Claude_and_Nova_streams_both_and_sees_their_errors()
    {
        await Host.AddFaultAsync(new { kind = "throttle", model = NovaPro });
        await Host.AddFaultAsync(new { kind = "stream-cut", model = BedrockCalls.Haiku, afterEvents = 4 });

        var result = await NodeScript.RunAsync("bedrock-invoke.mjs", new Dictionary<string, string>
        {
            ["BEDROCK_ENDPOINT"] = Host.Endpoint("us-east-1").ToString().TrimEnd('/'),
            ["ACCESS_KEY_ID"] = EmulatorHost.PrimaryAccessKey,
            ["SECRET_ACCESS_KEY"] = EmulatorHost.PrimarySecret,
            ["THROTTLED_MODEL"] = NovaPro,
            ["CUT_MODEL"] = BedrockCalls.Haiku,
        });

        var claude = result.GetProperty("claude");
        Assert.Equal("application/json", claude.GetProperty("contentType").GetString());
        Assert.StartsWith("msg_bdrk_", claude.GetProperty("id").GetString());
        Assert.Equal(BedrockCalls.Sonnet, claude.GetProperty("model").GetString());
        Assert.Equal("end_turn", claude.GetProperty("stopReason").GetString());
        Assert.Equal(7, claude.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(TokensOf(claude.GetProperty("text")), claude.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        var nova = result.GetProperty("nova");
        Assert.Equal("max_tokens", nova.GetProperty("stopReason").GetString());
        Assert.Equal(8, nova.GetProperty("usage").GetProperty("outputTokens").GetInt32());
        Assert.Equal(8, TokensOf(nova.GetProperty("text")));

        var claudeStream = result.GetProperty("claudeStream");
        Assert.Equal("application/json", claudeStream.GetProperty("contentType").GetString());
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            Strings(claudeStream.GetProperty("events")));
        Assert.Equal("max_tokens", claudeStream.GetProperty("stopReason").GetString());
        Assert.Equal(10, TokensOf(claudeStream.GetProperty("text")));
        Assert.Equal(10, claudeStream.GetProperty("metrics").GetProperty("outputTokenCount").GetInt32());
        Assert.Equal(7, claudeStream.GetProperty("metrics").GetProperty("inputTokenCount").GetInt32());

        var novaStream = result.GetProperty("novaStream");
        Assert.Equal(["messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"], Strings(novaStream.GetProperty("events")));
        Assert.Equal("max_tokens", novaStream.GetProperty("stopReason").GetString());
        Assert.Equal(8, novaStream.GetProperty("usage").GetProperty("outputTokens").GetInt32());
        Assert.Equal(8, novaStream.GetProperty("metrics").GetProperty("outputTokenCount").GetInt32());

        foreach (var invalid in new[] { result.GetProperty("invalid"), result.GetProperty("notJson") })
        {
            Assert.Equal("ValidationException", invalid.GetProperty("name").GetString());
            Assert.True(invalid.GetProperty("isValidation").GetBoolean());
            Assert.Equal(400, invalid.GetProperty("status").GetInt32());
        }

        Assert.Contains("required key [anthropic_version] not found", result.GetProperty("invalid").GetProperty("message").GetString());

        var throttled = result.GetProperty("throttled");
        Assert.True(throttled.GetProperty("isThrottling").GetBoolean());
        Assert.Equal(429, throttled.GetProperty("status").GetInt32());

        var cut = result.GetProperty("cut");
        Assert.Equal("ModelStreamErrorException", cut.GetProperty("name").GetString());
        Assert.True(cut.GetProperty("isStreamError").GetBoolean());
        Assert.Equal(4, cut.GetProperty("chunks").GetInt32());
    }

    private static int TokensOf(JsonElement text) => (text.GetString()!.Length + 3) / 4;

    private static IEnumerable<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString());
}
