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

    [Fact]
    public async Task Speaks_HTTP2_with_prior_knowledge_to_a_cleartext_endpoint_set_to_2_and_HTTP1_by_default()
    {
        await using var h2 = new LoopbackUpstream(http2Only: true);
        await h2.InitializeAsync();
        h2.Handler = context => WriteEventsAsync(context, "hi");
        _upstream.Handler = context => WriteEventsAsync(context, "hello");

        var overHttp2 = await Client(h2.Address, "2").GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello")]).ToChatResponseAsync();
        var overHttp11 = await Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello")]).ToChatResponseAsync();

        Assert.Equal("hi", overHttp2.Text);
        Assert.Equal("HTTP/2", Assert.Single(h2.Protocols));
        Assert.Equal("hello", overHttp11.Text);
        Assert.Equal("HTTP/1.1", Assert.Single(_upstream.Protocols));
    }

    [Fact]
    public async Task HTTP2_to_a_cleartext_server_that_speaks_only_HTTP1_is_a_connection_failure_the_router_can_fail_over_from()
    {
        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client(httpVersion: "2").GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal((FailureKind.Unavailable, "ConnectionError"), (failure.Kind, failure.ErrorType));
        Assert.Empty(_upstream.Requests);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("1.1", true)]
    [InlineData("2", true)]
    [InlineData("2.0", true)]
    [InlineData("3", false)]
    [InlineData("h2", false)]
    [InlineData("1.0", false)]
    public void Validation_names_an_http_version_the_router_does_not_speak(string? version, bool valid)
    {
        var options = new OpenAIProvidersOptions();
        options.Endpoints["up"] = new OpenAIProviderOptions { Endpoint = "https://api.example.com/v1", HttpVersion = version };
        var provider = new OpenAICompatibleProvider(new StaticOptionsMonitor<OpenAIProvidersOptions>(options), new ProviderTransport(), TimeProvider.System);

        var errors = provider.Validate("d", new DeploymentOptions { Provider = "openai", Account = "up", Model = "m" }).ToList();

        if (valid)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal($"OpenAIProviders:up:HttpVersion is '{version}'; the Router speaks \"1.1\" (the default) or \"2\" to upstreams.", Assert.Single(errors));
        }
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

    private static async Task WriteEventsAsync(HttpContext context, string text)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync($$"""
            data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"upstream-model","choices":[{"index":0,"delta":{"role":"assistant","content":"{{text}}"},"finish_reason":"stop"}]}

            data: [DONE]


            """);
    }

    private IChatClient Client(string? address = null, string? httpVersion = null)
    {
        var options = new OpenAIProvidersOptions();
        options.Endpoints["up"] = new OpenAIProviderOptions { Endpoint = address ?? _upstream.Address, ApiKey = "k", HttpVersion = httpVersion };
        var provider = new OpenAICompatibleProvider(new StaticOptionsMonitor<OpenAIProvidersOptions>(options), new ProviderTransport(), TimeProvider.System);
        return provider.CreateClient(new DeploymentOptions { Provider = "openai", Account = "up", Model = "upstream-model" });
    }
}
