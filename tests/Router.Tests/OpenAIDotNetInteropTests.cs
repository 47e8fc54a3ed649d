using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests;

/// <summary>The official OpenAI .NET SDK against the Router, changing nothing but its base URL.</summary>
[Collection(nameof(RouterHostCollection))]
public sealed class OpenAIDotNetInteropTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Completes_a_chat()
    {
        var completion = (await Client("pair").CompleteChatAsync([new SystemChatMessage("be brief"), new UserChatMessage("hello")])).Value;

        Assert.Equal("answer from model-east", completion.Content[0].Text);
        Assert.Equal("model-east", completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(12, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Streams_a_chat_with_usage()
    {
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in Client("pair").CompleteChatStreamingAsync([new UserChatMessage("hello")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("answer from model-east", text.ToString());
        Assert.Equal(12, usage?.TotalTokenCount); // the SDK asks for stream_options.include_usage
    }

    [Fact]
    public async Task Surfaces_router_errors_as_sdk_errors_with_their_status()
    {
        host.Upstream.Fail("model-west", FailureKind.Throttled, TimeSpan.FromMilliseconds(1));

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => Client("no-such-group").CompleteChatAsync([new UserChatMessage("hi")]));
        var throttled = await Assert.ThrowsAsync<ClientResultException>(() => Client("solo").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, unknown.Status);
        Assert.Contains("does not exist", unknown.Message);
        Assert.Equal(429, throttled.Status);
    }

    private ChatClient Client(string model) =>
        new(model, new ApiKeyCredential("test-key"), new OpenAIClientOptions
        {
            Endpoint = new Uri(host.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(host.CreateClient()),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
}
