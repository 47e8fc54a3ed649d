using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.Router.Tests.BedrockRuntime;

/// <summary>
/// Real third-party clients of InvokeModel against the Router's Bedrock door over a real socket: the AWS SDK for
/// JavaScript (a Claude group and a Nova group) and Anthropic's Bedrock SDK.
/// </summary>
[Collection(nameof(RouterHostCollection))]
public sealed class InvokeNodeInteropTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("bearer")]
    [InlineData("sigv4")]
    public async Task The_aws_sdk_invokes_Claude_and_Nova_streams_and_parses_errors(string auth)
    {
        var environment = new Dictionary<string, string>
        {
            ["ROUTER_URL"] = Url,
            ["CLAUDE_MODEL"] = "claude",
            ["NOVA_MODEL"] = RouterHost.NovaLite,
            ["AUTH"] = auth,
        };
        if (auth == "bearer")
        {
            environment["AWS_BEARER_TOKEN_BEDROCK"] = "test-key";
            environment["THROTTLED_TOKEN"] = "noisy-key";
        }
        else
        {
            var keys = host.Services.GetRequiredService<AccessKeyStore>();
            var pair = (await keys.IssueAsync("test"))!;
            var throttledPair = (await keys.IssueAsync("noisy"))!;
            environment["ACCESS_KEY_ID"] = pair.AccessKeyId;
            environment["SECRET_ACCESS_KEY"] = pair.SecretAccessKey;
            environment["THROTTLED_ACCESS_KEY_ID"] = throttledPair.AccessKeyId;
            environment["THROTTLED_SECRET_ACCESS_KEY"] = throttledPair.SecretAccessKey;
        }

        var result = await NodeScript.RunAsync("router-bedrock-invoke.mjs", environment);

        var claude = result.GetProperty("claude");
        Assert.Equal(($"answer from {RouterHost.ClaudeEast}", "end_turn", RouterHost.ClaudeEast), (claude.GetProperty("text").GetString(), claude.GetProperty("stopReason").GetString(), claude.GetProperty("model").GetString()));
        Assert.Equal(7, claude.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var claudeStream = result.GetProperty("claudeStream");
        Assert.Equal($"answer from {RouterHost.ClaudeEast}", claudeStream.GetProperty("text").GetString());
        Assert.Equal("end_turn", claudeStream.GetProperty("stopReason").GetString());
        Assert.Equal("message_start", claudeStream.GetProperty("types")[0].GetString());
        Assert.Equal("message_stop", claudeStream.GetProperty("types").EnumerateArray().Last().GetString());
        Assert.True(claudeStream.GetProperty("metrics").GetProperty("invocationLatency").GetInt64() >= 0);

        var nova = result.GetProperty("nova");
        Assert.Equal(($"answer from {RouterHost.NovaLite}", "end_turn", 12), (nova.GetProperty("text").GetString(), nova.GetProperty("stopReason").GetString(), nova.GetProperty("usage").GetProperty("totalTokens").GetInt32()));
        var novaStream = result.GetProperty("novaStream");
        Assert.Equal($"answer from {RouterHost.NovaLite}", novaStream.GetProperty("text").GetString());
        Assert.Equal("end_turn", novaStream.GetProperty("stopReason").GetString());
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], novaStream.GetProperty("types").EnumerateArray().Select(t => t.GetString()).TakeLast(3));
        Assert.Equal(7, novaStream.GetProperty("metrics").GetProperty("outputTokenCount").GetInt32());

        var malformed = result.GetProperty("malformed");
        Assert.Equal(("ValidationException", 400, true), (malformed.GetProperty("name").GetString(), malformed.GetProperty("status").GetInt32(), malformed.GetProperty("isValidation").GetBoolean()));
        var throttled = result.GetProperty("throttled").EnumerateArray().ToList();
        Assert.Equal(3, throttled.Count(t => t.GetProperty("name").GetString() == "none"));
        Assert.Equal(2, throttled.Count(t => t.GetProperty("name").GetString() == "ThrottlingException" && t.GetProperty("isThrottling").GetBoolean() && t.GetProperty("status").GetInt32() == 429));
        // The raw answer's Retry-After (the SDK keeps it on the error's $response): whole seconds, at least one.
        Assert.All(throttled.Where(t => t.GetProperty("name").GetString() == "ThrottlingException"),
            t => Assert.True(int.TryParse(t.GetProperty("retryAfter").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 1, t.GetRawText()));
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("sigv4")]
    public async Task Anthropics_Bedrock_SDK_creates_and_streams_messages(string auth)
    {
        var environment = new Dictionary<string, string>
        {
            ["ROUTER_URL"] = Url,
            ["MODEL"] = RouterHost.ClaudeEast,
            ["AUTH"] = auth,
        };
        if (auth == "bearer")
        {
            environment["API_KEY"] = "test-key";
        }
        else
        {
            var pair = (await host.Services.GetRequiredService<AccessKeyStore>().IssueAsync("test"))!;
            environment["ACCESS_KEY_ID"] = pair.AccessKeyId;
            environment["SECRET_ACCESS_KEY"] = pair.SecretAccessKey;
        }

        var result = await NodeScript.RunAsync("router-anthropic-bedrock.mjs", environment);

        foreach (var answer in new[] { result.GetProperty("message"), result.GetProperty("stream") })
        {
            Assert.Equal($"answer from {RouterHost.ClaudeEast}", answer.GetProperty("text").GetString());
            Assert.Equal("end_turn", answer.GetProperty("stopReason").GetString());
            Assert.Equal(7, answer.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        }

        var types = result.GetProperty("stream").GetProperty("types").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal("message_start", types[0]);
        Assert.Equal(["message_delta", "message_stop"], types[^2..]);
    }

    [Fact]
    public async Task Claude_code_on_Bedrock_answers_a_prompt_through_the_Bedrock_door()
    {
        // Claude Code's first request carries its whole system prompt and tool set (about 75 KB): this Router
        // takes bodies up to 1 MB instead of the shared host's 4 KB.
        await using var router = host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["Routing:MaxRequestBodyBytes"] = "1048576" })));
        router.UseKestrel(0);
        router.StartServer();
        var home = Path.Combine(Path.GetTempPath(), $"switchyard-claude-bedrock-{Guid.NewGuid():N}");
        try
        {
            var result = await NodeScript.RunAsync("claude-code.mjs", new Dictionary<string, string>
            {
                ["ROUTER_URL"] = router.ClientOptions.BaseAddress.ToString().TrimEnd('/'),
                ["DOOR"] = "bedrock",
                ["MODEL"] = "claude",
                ["API_KEY"] = "test-key",
                ["PROMPT"] = "hello",
                ["HOME_DIR"] = home,
            }, TimeSpan.FromSeconds(120));

            Assert.True(result.GetProperty("exitCode").ValueKind == JsonValueKind.Number && result.GetProperty("exitCode").GetInt32() == 0, result.GetRawText());
            Assert.Contains($"answer from {RouterHost.ClaudeEast}", result.GetProperty("stdout").GetString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private string Url => host.BaseAddress.ToString().TrimEnd('/');
}
