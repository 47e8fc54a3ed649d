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
        Assert.Equal("answer from model-east ", stream.GetProperty("content").GetString());
        Assert.Equal("stop", stream.GetProperty("finishReason").GetString());
        Assert.Equal(12, stream.GetProperty("totalTokens").GetInt32());

        var error = result.GetProperty("error");
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());

        Assert.Contains("pair", result.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
    }
}
