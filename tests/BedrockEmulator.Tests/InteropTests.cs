using System.Net.Http.Json;
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

    [Fact]
    public async Task The_samples_STS_Logs_and_Bedrock_calls_work_on_one_endpoint_with_the_SDKs_default_handlers()
    {
        const string profile = "us.anthropic.claude-sonnet-4-6";

        var result = await NodeScript.RunAsync("aws-services.mjs", new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = Host.Endpoint("us-east-1").ToString().TrimEnd('/'),
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = EmulatorHost.PrimaryAccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = EmulatorHost.PrimarySecret,
            ["ROLE_ARN"] = "arn:aws:iam::222222222222:role/sample-reader",
            ["PROFILE_ID"] = profile,
            ["CONVERSE_COUNT"] = "10",
        });

        // bedrock-runtime's default handler is the HTTP/2 one; on http:// it speaks h2c with prior knowledge.
        Assert.Equal("NodeHttp2Handler", result.GetProperty("bedrockHandler").GetString());
        Assert.All(result.GetProperty("converse").EnumerateArray(), c => Assert.Equal(20, c.GetProperty("outputTokens").GetInt32()));

        var identity = result.GetProperty("identity");
        Assert.Equal("111111111111", identity.GetProperty("account").GetString());
        Assert.Equal("arn:aws:iam::111111111111:user/switchyard-primary", identity.GetProperty("arn").GetString());
        Assert.Equal(["BedrockModelInvocation"], result.GetProperty("logGroups").EnumerateArray().Select(g => g.GetString()));

        // The Region table the sample prints, against the emulator's own invocation log.
        var invocations = await Host.Admin.GetFromJsonAsync<JsonElement>("/admin/invocations");
        var expected = invocations.EnumerateArray()
            .Where(i => i.GetProperty("requestedModel").GetString() == profile && i.GetProperty("outcome").GetString() == "success")
            .GroupBy(i => i.GetProperty("region").GetString()!).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"inferenceRegion={g.Key},invocationCount={g.Count()}").ToList();
        var query = result.GetProperty("query");
        Assert.Equal("Complete", result.GetProperty("describedStatus").GetString());
        Assert.Equal("Complete", query.GetProperty("status").GetString());
        Assert.Equal(expected, query.GetProperty("rows").EnumerateArray()
            .Select(row => string.Join(",", row.EnumerateArray().Select(cell => $"{cell[0].GetString()}={cell[1].GetString()}"))));
        Assert.Equal(10, query.GetProperty("statistics").GetProperty("recordsMatched").GetDouble());

        Assert.Equal("MalformedQueryException", result.GetProperty("malformed").GetProperty("name").GetString());
        Assert.Equal(400, result.GetProperty("malformed").GetProperty("status").GetInt32());

        var session = result.GetProperty("session");
        Assert.StartsWith("ASIA", session.GetProperty("accessKeyId").GetString());
        Assert.Equal("interop-user", session.GetProperty("subject").GetString());
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/sample-reader/interop", session.GetProperty("assumedRoleArn").GetString());
        Assert.Equal(session.GetProperty("assumedRoleArn").GetString(), session.GetProperty("identityArn").GetString());
        Assert.Equal("222222222222", session.GetProperty("identityAccount").GetString());
        Assert.Equal(["BedrockModelInvocation"], session.GetProperty("logGroups").EnumerateArray().Select(g => g.GetString()));
        Assert.InRange(DateTimeOffset.Parse(session.GetProperty("expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddSeconds(800), DateTimeOffset.UtcNow.AddSeconds(900));

        Assert.Equal("InvalidIdentityTokenException", result.GetProperty("badToken").GetProperty("name").GetString());
    }
}
