using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;
using Switchyard.Tests;

namespace Switchyard.Router.Tests.BedrockRuntime;

/// <summary>The AWS SDK for JavaScript's Bedrock Runtime client (a real third-party client) against the Router's Bedrock door over a real socket.</summary>
[Collection(nameof(RouterHostCollection))]
public sealed class BedrockNodeInteropTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("http1")]
    [InlineData("default")]
    public async Task The_aws_sdk_with_a_bearer_token_converses_streams_and_parses_errors(string handler)
    {
        var result = await NodeScript.RunAsync("router-bedrock.mjs", new Dictionary<string, string>
        {
            ["ROUTER_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["MODEL"] = "pair",
            ["AUTH"] = "bearer",
            ["AWS_BEARER_TOKEN_BEDROCK"] = "test-key",
            ["THROTTLED_TOKEN"] = "noisy-key",
            ["HANDLER"] = handler,
        });

        AssertConversation(result);
    }

    [Theory]
    [InlineData("http1")]
    [InlineData("default")]
    public async Task The_aws_sdk_with_SigV4_tenant_access_keys_converses_streams_and_is_refused_a_bad_or_revoked_key(string handler)
    {
        var keys = host.Services.GetRequiredService<AccessKeyStore>();
        var pair = (await keys.IssueAsync("test"))!;
        var throttled = (await keys.IssueAsync("noisy"))!;
        var revoked = (await keys.IssueAsync("test"))!;
        Assert.Equal(KeyRevocation.Revoked, await keys.RevokeAsync("test", revoked.AccessKeyId));

        var result = await NodeScript.RunAsync("router-bedrock.mjs", new Dictionary<string, string>
        {
            ["ROUTER_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["MODEL"] = "pair",
            ["AUTH"] = "sigv4",
            ["ACCESS_KEY_ID"] = pair.AccessKeyId,
            ["SECRET_ACCESS_KEY"] = pair.SecretAccessKey,
            ["THROTTLED_ACCESS_KEY_ID"] = throttled.AccessKeyId,
            ["THROTTLED_SECRET_ACCESS_KEY"] = throttled.SecretAccessKey,
            ["REVOKED_ACCESS_KEY_ID"] = revoked.AccessKeyId,
            ["REVOKED_SECRET_ACCESS_KEY"] = revoked.SecretAccessKey,
            ["HANDLER"] = handler,
        });

        AssertConversation(result);
        Assert.Equal("InvalidSignatureException", result.GetProperty("badSecret").GetProperty("name").GetString());
        Assert.Equal(403, result.GetProperty("badSecret").GetProperty("status").GetInt32());
        Assert.Equal("UnrecognizedClientException", result.GetProperty("revoked").GetProperty("name").GetString());
    }

    internal static void AssertConversation(System.Text.Json.JsonElement result)
    {
        var converse = result.GetProperty("converse");
        Assert.Equal("answer from model-east", converse.GetProperty("text").GetString());
        Assert.Equal("end_turn", converse.GetProperty("stopReason").GetString());
        Assert.Equal(12, converse.GetProperty("usage").GetProperty("totalTokens").GetInt32());

        var stream = result.GetProperty("stream");
        Assert.Equal("answer from model-east", stream.GetProperty("text").GetString());
        Assert.Equal("end_turn", stream.GetProperty("stopReason").GetString());
        Assert.Equal(12, stream.GetProperty("usage").GetProperty("totalTokens").GetInt32());
        var events = stream.GetProperty("events").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal("messageStart", events[0]);
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], events[^3..]);

        var unknown = result.GetProperty("unknownModel");
        Assert.Equal("ResourceNotFoundException", unknown.GetProperty("name").GetString());
        Assert.Equal(404, unknown.GetProperty("status").GetInt32());

        var throttled = result.GetProperty("throttled").EnumerateArray().ToList();
        Assert.Equal(3, throttled.Count(t => t.GetProperty("name").GetString() == "none"));
        Assert.Equal(2, throttled.Count(t => t.GetProperty("name").GetString() == "ThrottlingException" && t.GetProperty("isThrottling").GetBoolean() && t.GetProperty("status").GetInt32() == 429));
        // The raw answer's Retry-After (the SDK keeps it on the error's $response): whole seconds, at least one.
        Assert.All(throttled.Where(t => t.GetProperty("name").GetString() == "ThrottlingException"),
            t => Assert.True(int.TryParse(t.GetProperty("retryAfter").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 1, t.GetRawText()));
    }
}
