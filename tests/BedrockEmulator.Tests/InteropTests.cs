using System.Text.Json;
using Switchyard.Tests;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>
/// Real third-party clients against the emulator: tests/interop's node scripts with the AWS SDK for
/// JavaScript and the openai package, run with the endpoints in their environment.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class InteropTests(EmulatorHost host) : EmulatorTest(host)
{
    [Fact]
    public async Task The_AWS_SDK_for_JavaScript_converses_streams_and_sees_throttling()
    {
        await Host.AddFaultAsync(new { kind = "throttle", model = BedrockCalls.NovaLite });

        var result = await NodeScript.RunAsync("bedrock.mjs", new Dictionary<string, string>
        {
            ["BEDROCK_ENDPOINT"] = Host.Endpoint("us-east-1").ToString().TrimEnd('/'),
            ["ACCESS_KEY_ID"] = EmulatorHost.PrimaryAccessKey,
            ["SECRET_ACCESS_KEY"] = EmulatorHost.PrimarySecret,
            ["THROTTLED_MODEL"] = BedrockCalls.NovaLite,
        });

        var converse = result.GetProperty("converse");
        Assert.Equal("assistant", converse.GetProperty("role").GetString());
        Assert.Equal("end_turn", converse.GetProperty("stopReason").GetString());
        Assert.Equal((converse.GetProperty("text").GetString()!.Length + 3) / 4, converse.GetProperty("usage").GetProperty("outputTokens").GetInt32());

        var stream = result.GetProperty("stream");
        Assert.Equal(["messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"],
            stream.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("max_tokens", stream.GetProperty("stopReason").GetString());
        Assert.Equal(10, stream.GetProperty("usage").GetProperty("outputTokens").GetInt32());

        Assert.Equal("InvalidSignatureException", result.GetProperty("badSignature").GetProperty("name").GetString());
        Assert.Equal(403, result.GetProperty("badSignature").GetProperty("status").GetInt32());

        var throttled = result.GetProperty("throttled");
        Assert.Equal("ThrottlingException", throttled.GetProperty("name").GetString());
        Assert.True(throttled.GetProperty("isThrottling").GetBoolean());
        Assert.Equal(429, throttled.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_openai_client_completes_streams_with_usage_and_sees_rate_limits()
    {
        await Host.AddFaultAsync(new { kind = "throttle", region = "openai", model = BedrockCalls.NovaLite });

        var result = await NodeScript.RunAsync("openai.mjs", new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = new Uri(Host.Endpoint("openai"), "v1").ToString(),
            ["OPENAI_API_KEY"] = "sk-emulator-primary",
            ["THROTTLED_MODEL"] = BedrockCalls.NovaLite,
        });

        var completion = result.GetProperty("completion");
        Assert.Equal("stop", completion.GetProperty("finishReason").GetString());
        Assert.Equal((completion.GetProperty("text").GetString()!.Length + 3) / 4, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var stream = result.GetProperty("stream");
        Assert.Equal("length", stream.GetProperty("finishReason").GetString());
        Assert.Equal(7, stream.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(27, stream.GetProperty("text").GetString()!.Length);

        Assert.True(result.GetProperty("throttled").GetProperty("isRateLimit").GetBoolean());
        Assert.Contains("gpt-4o-mini", result.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
    }
}
