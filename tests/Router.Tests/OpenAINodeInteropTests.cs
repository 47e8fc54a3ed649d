using Switchyard.Tests;

namespace Switchyard.Router.Tests;

/// <summary>The openai npm client (a real third-party client) against the Router over a real socket.</summary>
[Collection(nameof(RouterHostCollection))]
public sealed class OpenAINodeInteropTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_openai_npm_client_completes_streams_and_parses_errors()
    {
        var result = await NodeScript.RunAsync("router-openai.mjs", new Dictionary<string, string>
        {
            ["ROUTER_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["MODEL"] = "pair",
            ["API_KEY"] = "test-key",
        });

        var completion = result.GetProperty("completion");
        Assert.Equal("model-east", completion.GetProperty("model").GetString());
        Assert.Equal("answer from model-east", completion.GetProperty("content").GetString());
        Assert.Equal("stop", completion.GetProperty("finishReason").GetString());
        Assert.Equal(12, completion.GetProperty("totalTokens").GetInt32());

        var stream = result.GetProperty("stream");
        Assert.Equal("answer from model-east", stream.GetProperty("content").GetString());
        Assert.Equal("stop", stream.GetProperty("finishReason").GetString());
        Assert.Equal(12, stream.GetProperty("totalTokens").GetInt32());

        var error = result.GetProperty("error");
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());

        Assert.Contains("pair", result.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task The_openai_npm_client_sends_an_image_part_and_a_response_format()
    {
        // The scripted upstream answers JSON, as Bedrock's forced tool does; what the Router passed on is checked below.
        host.Upstream.Answers["model-east"] = () => new Microsoft.Extensions.AI.ChatResponse(
            new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, """{"subject":"a tiny png"}"""))
        {
            FinishReason = Microsoft.Extensions.AI.ChatFinishReason.Stop,
            Usage = new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 5, OutputTokenCount = 7, TotalTokenCount = 12 },
        };

        var result = await NodeScript.RunAsync("router-openai-structured.mjs", new Dictionary<string, string>
        {
            ["ROUTER_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["MODEL"] = "pair",
            ["API_KEY"] = "test-key",
            ["IMAGE_BASE64"] = Convert.ToBase64String(OpenAI.ImagePartTests.Png),
        });

        var completion = result.GetProperty("completion");
        Assert.Equal("a tiny png", completion.GetProperty("parsed").GetProperty("subject").GetString());
        Assert.Equal("stop", completion.GetProperty("finishReason").GetString());
        Assert.Equal("interop-1", completion.GetProperty("requestId").GetString());
        Assert.Equal("a tiny png", result.GetProperty("stream").GetProperty("parsed").GetProperty("subject").GetString());
        var error = result.GetProperty("error");
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("invalid_image", error.GetProperty("code").GetString());
        Assert.Equal("messages[0].content[0].image_url.url", error.GetProperty("param").GetString());
        Assert.StartsWith("req_", error.GetProperty("requestId").GetString());

        // What reached the provider: the image's bytes, and the response formats.
        var received = host.Upstream.Received.ToList();
        Assert.Equal(2, received.Count);
        var image = Assert.Single(received[0].Messages.SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.DataContent>());
        Assert.Equal(OpenAI.ImagePartTests.Png, image.Data.ToArray());
        var schema = Assert.IsType<Microsoft.Extensions.AI.ChatResponseFormatJson>(received[0].Options?.ResponseFormat);
        Assert.Equal("picture", schema.SchemaName);
        Assert.Equal("string", schema.Schema?.GetProperty("properties").GetProperty("subject").GetProperty("type").GetString());
        Assert.Null(Assert.IsType<Microsoft.Extensions.AI.ChatResponseFormatJson>(received[1].Options?.ResponseFormat).Schema);
    }

    [Fact]
    public async Task The_sample_quota_demo_gets_its_rate_limit_errors_at_once_despite_default_retries()
    {
        // As the sample's quota demo calls: base URL without /v1, the client's 2 default retries, a 10 s
        // timeout, 5 requests at once from a tenant allowed 3 per minute.
        var result = await NodeScript.RunAsync("router-openai-rate-limits.mjs", new Dictionary<string, string>
        {
            ["ROUTER_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["MODEL"] = "pair",
            ["API_KEY"] = "noisy-key",
            ["REQUESTS"] = "5",
        });

        var outcomes = result.GetProperty("results").EnumerateArray().ToList();
        var served = outcomes.Where(o => o.GetProperty("ok").GetBoolean()).ToList();
        var limited = outcomes.Where(o => !o.GetProperty("ok").GetBoolean()).ToList();
        Assert.Equal(3, served.Count);
        Assert.All(served, o => Assert.Equal("answer from model-east", o.GetProperty("content").GetString()));
        Assert.Equal(2, limited.Count);
        Assert.All(limited, o =>
        {
            Assert.True(o.GetProperty("rateLimitError").GetBoolean(), o.GetProperty("error").GetString());
            Assert.Equal(429, o.GetProperty("status").GetInt32());
            Assert.Equal("rate_limit_exceeded", o.GetProperty("code").GetString());
            Assert.Equal("false", o.GetProperty("shouldRetry").GetString());
            Assert.True(int.Parse(o.GetProperty("retryAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 5);
        });
        // Without x-should-retry: false the client would sleep the ~60 s Retry-After before each retry.
        Assert.All(outcomes, o => Assert.True(o.GetProperty("elapsedMs").GetDouble() < 3_000, $"took {o.GetProperty("elapsedMs").GetDouble()} ms"));
        Assert.Equal(5, result.GetProperty("fetches").GetInt32()); // no request was retried
    }
}
