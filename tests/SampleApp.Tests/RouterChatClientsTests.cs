using System.Net;
using System.Text;
using Microsoft.Extensions.AI;
using Switchyard.SampleApp.Chat;
using Switchyard.SampleApp.RouterClient;
using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Tests;

/// <summary>
/// The OpenAI client as the SampleApp configures it, against canned Router responses: the routing headers
/// reach the caller for plain and streamed answers, and a 429 is not retried by the client.
/// </summary>
public class RouterChatClientsTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task Captures_the_routing_headers_of_a_completion()
    {
        var router = new CannedRouter(HttpStatusCode.OK, "application/json",
            """{"id":"c1","object":"chat.completion","created":1,"model":"us.anthropic.claude-haiku-4-5-20251001-v1:0","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""");
        var clients = new RouterChatClients(new HttpClient(router) { BaseAddress = new Uri("http://router") });

        var capture = RouteCapture.Begin();
        var response = await clients.ChatClient("claude-sonnet-fallback-demo", "demo-key").GetResponseAsync("hello");

        Assert.Equal("http://router/v1/chat/completions", router.Requests.Single().RequestUri!.ToString());
        Assert.Equal("Bearer demo-key", router.Requests.Single().Headers.Authorization!.ToString());
        Assert.Equal(ReferenceNames.HaikuModel, response.ModelId);
        Assert.Equal(200, capture.StatusCode);
        Assert.Equal(new ServedBy("haiku-fallback-quota", "us-east-1", "primary", ReferenceNames.HaikuModel, "bedrock", "claude-sonnet-fallback-quota", 2, true, TraceId), capture.ServedBy);
    }

    [Fact]
    public async Task Streams_an_answer_with_its_served_by_details()
    {
        var router = new CannedRouter(HttpStatusCode.OK, "text/event-stream", $"{Chunk("Hello")}\n\n{Chunk(" there", "stop")}\n\ndata: [DONE]\n\n");
        var streamer = new AnswerStreamer(new RouterChatClients(new HttpClient(router) { BaseAddress = new Uri("http://localhost:4000/") }), TimeProvider.System);
        var chunks = new List<string>();

        var answer = await streamer.AnswerAsync(ReferenceNames.Tenants[1], "claude-sonnet-multi-region", [new ChatTurn(ChatTurn.User, "hi")], chunks.Add, CancellationToken.None);

        Assert.Equal(["Hello", " there"], chunks);
        Assert.Equal("Hello there", answer.Text);
        Assert.Equal("Bearer consumer-b-key", router.Requests.Single().Headers.Authorization!.ToString());
        Assert.Null(answer.Details!.Error);
        Assert.Equal("haiku-fallback-quota", answer.Details.ServedBy!.Deployment);
        Assert.NotNull(answer.Details.TimeToFirstTokenMs);
        Assert.True(answer.Details.TimeToLastTokenMs >= answer.Details.TimeToFirstTokenMs);
    }

    [Fact]
    public async Task Flags_an_answer_whose_stream_was_cut_off()
    {
        const string Interrupted = """data: {"error":{"message":"The upstream stream broke.","type":"server_error","code":"stream_interrupted","param":null}}""";
        var router = new CannedRouter(HttpStatusCode.OK, "text/event-stream", $"{Chunk("Hello")}\n\n{Interrupted}\n\n");
        var streamer = new AnswerStreamer(new RouterChatClients(new HttpClient(router) { BaseAddress = new Uri("http://router") }), TimeProvider.System);

        var answer = await streamer.AnswerAsync(ReferenceNames.Tenants[0], "claude-sonnet-multi-region", [new ChatTurn(ChatTurn.User, "hi")], _ => { }, CancellationToken.None);

        Assert.Equal("Hello", answer.Text);
        Assert.Contains("cut off", answer.Details!.Error);
    }

    [Fact]
    public async Task Records_a_rate_limit_once_without_client_retries()
    {
        var router = new CannedRouter(HttpStatusCode.TooManyRequests, "application/json",
            """{"error":{"message":"Tenant A is over its limit.","type":"rate_limit_error","code":"rate_limited","param":null}}""", routeHeaders: false);
        var environment = new ScenarioEnvironment(new RouterChatClients(new HttpClient(router) { BaseAddress = new Uri("http://router") }),
            new HttpClient(router), new HttpClient(router), new HttpClient(router), "admin", TimeProvider.System);

        var result = await environment.SendAsync(1, new PlannedRequest("consumer-a-model", "consumer-a-key", "A"), CancellationToken.None);

        Assert.Single(router.Requests);
        Assert.True(result.RateLimited);
        Assert.False(result.Succeeded);
        Assert.Null(result.ServedBy);
        Assert.Contains("over its limit", result.Error);
    }

    private static string Chunk(string text, string? finishReason = null) =>
        $$$"""data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"anthropic.claude-sonnet-4-6","choices":[{"index":0,"delta":{"content":"{{{text}}}"},"finish_reason":{{{(finishReason is null ? "null" : $"\"{finishReason}\"")}}}}]}""";

    /// <summary>Answers every request with one canned body and, unless told otherwise, the Router's routing headers.</summary>
    private sealed class CannedRouter(HttpStatusCode status, string contentType, string body, bool routeHeaders = true) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            if (routeHeaders)
            {
                response.Headers.Add("x-switchyard-deployment", "haiku-fallback-quota");
                response.Headers.Add("x-switchyard-region", "us-east-1");
                response.Headers.Add("x-switchyard-account", "primary");
                response.Headers.Add("x-switchyard-model", ReferenceNames.HaikuModel);
                response.Headers.Add("x-switchyard-provider", "bedrock");
                response.Headers.Add("x-switchyard-model-group", "claude-sonnet-fallback-quota");
                response.Headers.Add("x-switchyard-attempts", "2");
                response.Headers.Add("x-switchyard-fallback", "true");
                response.Headers.Add("x-switchyard-trace-id", TraceId);
            }

            return Task.FromResult(response);
        }
    }
}
