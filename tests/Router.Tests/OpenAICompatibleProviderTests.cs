using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.OpenAICompatible;

namespace Switchyard.Router.Tests;

/// <summary>The OpenAI-compatible provider on the wire, against a small upstream on a real socket.</summary>
public sealed class OpenAICompatibleProviderTests : IAsyncLifetime
{
    private readonly LoopbackUpstream _upstream = new();

    public Task InitializeAsync() => _upstream.InitializeAsync();

    public Task DisposeAsync() => _upstream.DisposeAsync();

    [Fact]
    public async Task Sends_the_deployments_model_whatever_the_client_asked_for()
    {
        _upstream.Handler = context => context.Response.WriteAsJsonAsync(new
        {
            id = "x", @object = "chat.completion", created = 1, model = "upstream-model",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "hi" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
        });

        var response = await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], new ChatOptions { MaxOutputTokens = 5 });

        Assert.Equal("hi", response.Text);
        Assert.Equal("upstream-model", Assert.Single(_upstream.Requests).Body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Cache_points_are_skipped_and_images_go_as_data_urls()
    {
        _upstream.Handler = context => context.Response.WriteAsJsonAsync(new
        {
            id = "x", @object = "chat.completion", created = 1, model = "upstream-model",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "a cat" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
        });

        var response = await Client().GetResponseAsync(
        [
            new ChatMessage(ChatRole.System, [new TextContent("be brief"), new CachePointContent()]),
            new ChatMessage(ChatRole.User, [new DataContent(Convert.FromBase64String("iVBORw0KGgo="), "image/png"), new TextContent("what is this?"), new CachePointContent()]),
        ]);

        Assert.Equal("a cat", response.Text);
        var messages = Assert.Single(_upstream.Requests).Body.GetProperty("messages");
        Assert.Equal("be brief", messages[0].GetProperty("content").ValueKind == JsonValueKind.String
            ? messages[0].GetProperty("content").GetString()
            : messages[0].GetProperty("content")[0].GetProperty("text").GetString());
        var parts = messages[1].GetProperty("content");
        Assert.Equal(2, parts.GetArrayLength());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", parts[0].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("what is this?", parts[1].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(429, FailureKind.Throttled)]
    [InlineData(503, FailureKind.Unavailable)]
    [InlineData(500, FailureKind.ServerError)]
    [InlineData(400, FailureKind.ClientError)]
    public async Task Classifies_error_answers_and_reads_retry_after(int status, FailureKind expected)
    {
        _upstream.Handler = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = "2";
            await context.Response.WriteAsJsonAsync(new { error = new { message = "nope", type = "x", code = "y" } });
        };

        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal(expected, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), failure.RetryAfter);
        Assert.Single(_upstream.Requests); // the SDK's own retries are off: the router owns them
    }

    [Fact]
    public async Task An_answer_that_is_not_the_expected_json_is_a_retryable_server_error()
    {
        _upstream.Handler = context => context.Response.WriteAsync("""{"choices":"not a list""");

        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal(FailureKind.ServerError, failure.Kind);
        Assert.True(failure.IsRetryable);
    }

    [Theory]
    [InlineData("retry-after", "1e308", 60_000)]
    [InlineData("retry-after", "-3", null)]
    [InlineData("retry-after", "later", null)]
    [InlineData("retry-after-ms", "250", 250)]
    [InlineData("retry-after-ms", "-250", null)]
    public async Task An_absurd_retry_after_stays_a_throttle_with_a_sane_wait(string header, string value, int? expectedMs)
    {
        _upstream.Handler = async context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers[header] = value;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "slow down", type = "x", code = "y" } });
        };

        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal(FailureKind.Throttled, failure.Kind);
        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, failure.RetryAfter);
    }

    private IChatClient Client()
    {
        var address = _upstream.Address;
        var options = new OpenAIProvidersOptions();
        options.Endpoints["up"] = new OpenAIProviderOptions { Endpoint = address, ApiKey = "k" };
        var provider = new OpenAICompatibleProvider(new StaticOptionsMonitor<OpenAIProvidersOptions>(options), new ProviderTransport(), TimeProvider.System);
        return provider.CreateClient(new DeploymentOptions { Provider = "openai", Account = "up", Model = "upstream-model" });
    }
}
