using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.OpenAICompatible;

namespace Switchyard.Router.Tests.OpenAICompatible;

/// <summary>The Router's Chat Completions client on a real socket: the request line and headers, and who owns an answer's lifetime.</summary>
public sealed class OpenAICompatibleClientTests : IAsyncLifetime
{
    private const string Answer = """{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""";

    private readonly LoopbackUpstream _upstream = new();

    public Task InitializeAsync() => _upstream.InitializeAsync();

    public Task DisposeAsync() => _upstream.DisposeAsync();

    [Theory]
    [InlineData("k", "", "Bearer k")]
    [InlineData(null, "/v1", null)]
    [InlineData("k", "/v1/", "Bearer k")]
    public async Task Posts_to_chat_completions_under_v1_with_the_key_when_there_is_one(string? key, string suffix, string? authorization)
    {
        _upstream.Handler = context => context.Response.WriteAsync(Answer);

        var response = await Client(key, _upstream.Address + suffix).GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);

        Assert.Equal("hi", response.Text);
        var request = Assert.Single(_upstream.Requests);
        Assert.Equal(("/v1/chat/completions", authorization), (request.RawTarget, request.Authorization));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(307)]
    public async Task A_redirect_is_the_endpoint_failing_with_its_status_and_is_not_followed(int status)
    {
        _upstream.Handler = context =>
        {
            if (context.Request.Path.StartsWithSegments("/moved"))
            {
                return context.Response.WriteAsync(Answer);
            }

            context.Response.StatusCode = status;
            context.Response.Headers.Location = _upstream.Address + "/moved/v1/chat/completions";
            return Task.CompletedTask;
        };

        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal((FailureKind.ClientError, status), (failure.Kind, failure.StatusCode));
        Assert.Equal("/v1/chat/completions", Assert.Single(_upstream.Requests).RawTarget);
    }

    [Fact]
    public async Task A_stream_abandoned_after_its_first_update_closes_its_answer()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Handler = async context =>
        {
            context.RequestAborted.Register(() => aborted.TrySetResult());
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":\"r\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };

        await using (var updates = Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello")]).GetAsyncEnumerator())
        {
            Assert.True(await updates.MoveNextAsync());
            Assert.Equal("a", updates.Current.Text);
        }

        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_cancelled_stream_ends_in_its_cancellation_not_a_provider_failure()
    {
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":\"r\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        using var cancellation = new CancellationTokenSource();

        var thrown = await Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello")], cancellationToken: cancellation.Token))
            {
                cancellation.Cancel();
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
    }

    [Fact]
    public async Task An_error_status_on_a_stream_is_classified_before_any_update()
    {
        _upstream.Handler = async context =>
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":{"message":"This model's maximum context length is 8192 tokens","type":"invalid_request_error","code":"context_length_exceeded"}}""");
        };

        var failure = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var _ in Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello")]))
            {
            }
        });

        Assert.Equal((FailureKind.ContextWindowExceeded, 400, "OpenAI400"), (failure.Kind, failure.StatusCode, failure.ErrorType));
        Assert.Contains("context_length_exceeded", failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_refuses_connections_is_unavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client("k", $"http://127.0.0.1:{port}").GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal((FailureKind.Unavailable, "ConnectionError"), (failure.Kind, failure.ErrorType));
    }

    [Fact]
    public async Task A_completion_without_choices_is_a_retryable_unreadable_answer()
    {
        _upstream.Handler = context => context.Response.WriteAsync("""{"id":"x","created":1,"model":"m","choices":[]}""");

        var failure = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Equal((FailureKind.ServerError, "InvalidResponse"), (failure.Kind, failure.ErrorType));
    }

    [Fact]
    public async Task The_upstream_call_is_a_child_of_the_attempt_span_with_no_http_client_span_between()
    {
        // What OpenTelemetry's HttpClient instrumentation does: listen to System.Net.Http, which makes the
        // handler chain create a span per request if it has one.
        var httpSpans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var http = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = httpSpans.Add,
        };
        using var attempts = new ActivitySource("attempt-test");
        using var attemptListener = new ActivityListener
        {
            ShouldListenTo = source => source == attempts,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(http);
        ActivitySource.AddActivityListener(attemptListener);
        string? traceparent = null;
        _upstream.Handler = context =>
        {
            traceparent = context.Request.Headers.TraceParent;
            return context.Response.WriteAsync(Answer);
        };

        using (var attempt = attempts.StartActivity("chat upstream-model", ActivityKind.Client)!)
        {
            await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);

            Assert.Equal($"00-{attempt.TraceId.ToHexString()}-{attempt.SpanId.ToHexString()}-01", traceparent);
            Assert.DoesNotContain(httpSpans, span => span.TraceId == attempt.TraceId);
        }
    }

    private IChatClient Client(string? key = "k", string? address = null)
    {
        var options = new OpenAIProvidersOptions();
        options.Endpoints["up"] = new OpenAIProviderOptions { Endpoint = address ?? _upstream.Address, ApiKey = key };
        var provider = new OpenAICompatibleProvider(new StaticOptionsMonitor<OpenAIProvidersOptions>(options), new ProviderTransport(), TimeProvider.System);
        return provider.CreateClient(new DeploymentOptions { Provider = "openai", Account = "up", Model = "upstream-model" });
    }
}
