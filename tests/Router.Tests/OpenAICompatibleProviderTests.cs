using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.OpenAICompatible;

namespace Switchyard.Router.Tests;

/// <summary>The OpenAI-compatible provider on the wire, against a small upstream on a real socket.</summary>
public sealed class OpenAICompatibleProviderTests : IAsyncLifetime
{
    private WebApplication? _upstream;
    private Func<HttpContext, Task> _handler = _ => Task.CompletedTask;
    private readonly List<JsonElement> _bodies = [];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _upstream = builder.Build();
        _upstream.Run(async context =>
        {
            _bodies.Add(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body));
            await _handler(context);
        });
        await _upstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sends_the_deployments_model_whatever_the_client_asked_for()
    {
        _handler = context => context.Response.WriteAsJsonAsync(new
        {
            id = "x", @object = "chat.completion", created = 1, model = "upstream-model",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "hi" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
        });

        var response = await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], new ChatOptions { MaxOutputTokens = 5 });

        Assert.Equal("hi", response.Text);
        Assert.Equal("upstream-model", Assert.Single(_bodies).GetProperty("model").GetString());
    }

    [Theory]
    [InlineData(429, FailureKind.Throttled)]
    [InlineData(503, FailureKind.Unavailable)]
    [InlineData(500, FailureKind.ServerError)]
    [InlineData(400, FailureKind.ClientError)]
    public async Task Classifies_error_answers_and_reads_retry_after(int status, FailureKind expected)
    {
        _handler = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = "2";
            await context.Response.WriteAsJsonAsync(new { error = new { message = "nope", type = "x", code = "y" } });
        };

        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal(expected, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), failure.RetryAfter);
        Assert.Single(_bodies); // the SDK's own retries are off: the router owns them
    }

    private IChatClient Client()
    {
        var address = _upstream!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var options = new OpenAIProvidersOptions();
        options.Endpoints["up"] = new OpenAIProviderOptions { Endpoint = address, ApiKey = "k" };
        var provider = new OpenAICompatibleProvider(new StaticOptionsMonitor<OpenAIProvidersOptions>(options), new SocketsHttpHandler());
        return provider.CreateClient(new DeploymentOptions { Provider = "openai", Account = "up", Model = "upstream-model" });
    }
}
