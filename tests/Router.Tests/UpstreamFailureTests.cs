using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests;

/// <summary>
/// Whatever a provider throws is a classified failure: it fails over, counts on the breaker, and reaches
/// the client as a generic message with the trace id while the provider's own text stays on the span.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class UpstreamFailureTests(RouterHost host) : IAsyncLifetime, IDisposable
{
    private const string AccessDenied = "User: arn:aws:iam::123456789012:role/switchyard-router is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/x";

    private readonly HttpClient _client = host.CreateClient();
    private readonly RouterSpans _spans = new();

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _spans.Dispose();

    [Fact]
    public async Task A_provider_throwing_an_unexpected_exception_fails_over()
    {
        host.Upstream.Behaviour["model-east"] = () => new InvalidOperationException("Sequence contains no elements");

        using var response = await ChatAsync("pair");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.Equal(["model-east", "model-west"], host.Upstream.Calls);
        var attempt = Assert.Single(SpansOf(response), s => s.DisplayName == "chat model-east");
        Assert.Equal("UnexpectedError", attempt.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Unexpected_exceptions_count_on_the_breaker()
    {
        host.Upstream.Behaviour["model-east"] = () => new NullReferenceException();
        for (var i = 0; i < 3; i++)
        {
            (await ChatAsync("pair")).Dispose();
        }

        host.Upstream.Calls.Clear();
        using var response = await ChatAsync("pair");

        Assert.Equal(["model-west"], host.Upstream.Calls);
        Assert.True(host.Services.GetRequiredService<RoutingTableProvider>().States["east"].IsOpen);
    }

    [Fact]
    public async Task An_unexpected_exception_everywhere_is_a_503_without_its_text()
    {
        host.Upstream.Behaviour["model-west"] = () => new InvalidOperationException("secret: Password=hunter2 at /srv/keys");

        using var response = await ChatAsync("solo");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("upstream_unavailable", error.GetProperty("code").GetString());
        var traceId = TraceIdIn(error.GetProperty("message").GetString()!);
        Assert.Contains(_spans.Stopped, s => s.TraceId.ToHexString() == traceId && s.DisplayName == "chat model-west");
    }

    [Fact]
    public async Task Clients_see_a_generic_upstream_message_with_the_trace_id_and_the_detail_stays_on_the_span()
    {
        host.Upstream.Behaviour["model-west"] = () => new ProviderException(FailureKind.ClientError, 403, "AccessDeniedException", AccessDenied);

        using var response = await ChatAsync("solo");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("123456789012", body);
        Assert.DoesNotContain("arn:aws", body);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("upstream_auth_failed", error.GetProperty("code").GetString());
        var traceId = TraceIdIn(error.GetProperty("message").GetString()!);
        Assert.Equal($"The upstream provider rejected the request (AccessDeniedException, HTTP 403). Trace id: {traceId}.", error.GetProperty("message").GetString());

        var attempt = Assert.Single(_spans.Stopped, s => s.TraceId.ToHexString() == traceId && s.DisplayName == "chat model-west");
        var upstream = Assert.Single(attempt.Events, e => e.Name == "switchyard.upstream_error");
        Assert.Equal(AccessDenied, upstream.Tags.Single(t => t.Key == "switchyard.upstream.detail").Value);
        Assert.Equal("AccessDeniedException", upstream.Tags.Single(t => t.Key == "error.type").Value);
    }

    [Fact]
    public async Task A_throttling_upstreams_text_stays_out_of_the_429()
    {
        host.Upstream.Behaviour["model-west"] = () => new ProviderException(FailureKind.Throttled, 429, "ThrottlingException", "account 123456789012 is over its quota");

        using var response = await ChatAsync("solo");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!;
        Assert.DoesNotContain("123456789012", message);
        Assert.StartsWith("Every deployment of 'solo' is throttling: The upstream provider is throttling requests. Trace id: ", message);
    }

    private Task<HttpResponseMessage> ChatAsync(string model) =>
        _client.PostAsync("/v1/chat/completions", new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

    private static string TraceIdIn(string message) =>
        System.Text.RegularExpressions.Regex.Match(message, "Trace id: ([0-9a-f]{32})\\.$") is { Success: true } match
            ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"No trace id at the end of: {message}");

    private List<Activity> SpansOf(HttpResponseMessage response)
    {
        var traceId = response.Headers.GetValues("x-switchyard-trace-id").Single();
        return [.. _spans.Stopped.Where(s => s.TraceId.ToHexString() == traceId)];
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;
}
