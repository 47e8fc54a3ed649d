using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests;

/// <summary>
/// Every 429 the Router writes tells SDKs whether to retry by themselves: <c>x-should-retry: true</c>
/// only when its truthful Retry-After is within <c>RateLimitResponses:MaxRetryableWait</c> (5 s by default).
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class RateLimitResponseTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_tenant_over_its_rpm_for_most_of_a_minute_is_told_not_to_retry()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ChatAsync(host, "pair", "noisy-key")));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.OK), r => Assert.Null(Header(r, "x-should-retry")));
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(2, limited.Count);
        foreach (var rejection in limited)
        {
            // Truthful: the oldest of the 3 admissions leaves the rolling minute in just under 60 s.
            Assert.InRange(rejection.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
            Assert.Equal("false", Header(rejection, "x-should-retry"));
            Assert.Equal("3", Header(rejection, "x-ratelimit-limit-requests"));
            Assert.Equal("0", Header(rejection, "x-ratelimit-remaining-requests"));
            Assert.Equal("rate_limit_exceeded", (await ErrorOf(rejection)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task The_bound_is_configurable_and_a_wait_within_it_invites_the_retry()
    {
        await using var patient = With(new() { ["RateLimitResponses:MaxRetryableWait"] = "00:01:00" });

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ChatAsync(patient, "pair", "noisy-key")));

        var rejection = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.InRange(rejection.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.Equal("true", Header(rejection, "x-should-retry"));
    }

    [Theory]
    [InlineData(2, "true")]
    [InlineData(5, "true")]
    [InlineData(6, "false")]
    [InlineData(30, "false")]
    public async Task An_upstream_throttle_passes_on_the_providers_wait_and_whether_to_retry(int retryAfterSeconds, string shouldRetry)
    {
        // One attempt: the Router itself would otherwise wait out the provider's Retry-After before answering.
        await using var once = With(new() { ["Routing:Retry:MaxAttempts"] = "1" });
        host.Upstream.Fail("model-west", FailureKind.Throttled, TimeSpan.FromSeconds(retryAfterSeconds));

        using var response = await ChatAsync(once, "solo", "test-key");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("upstream_throttled", (await ErrorOf(response)).GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(retryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal(shouldRetry, Header(response, "x-should-retry"));
    }

    [Fact]
    public async Task Exhausted_deployment_capacity_says_truthfully_when_it_frees_up()
    {
        var deployment = $"tight-{Guid.NewGuid():N}";
        await using var tight = With(new()
        {
            [$"Routing:Deployments:{deployment}:Provider"] = "scripted",
            [$"Routing:Deployments:{deployment}:Account"] = "a",
            [$"Routing:Deployments:{deployment}:Model"] = "model-west",
            [$"Routing:Deployments:{deployment}:Rpm"] = "1",
            ["Routing:ModelGroups:tight:Deployments:0"] = deployment,
        });

        using var served = await ChatAsync(tight, "tight", "test-key");
        using var refused = await ChatAsync(tight, "tight", "test-key");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("capacity_exhausted", (await ErrorOf(refused)).GetProperty("code").GetString());
        // The one request counted leaves the deployment's rolling minute (1 s buckets) in 59 to 60 s.
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));
        Assert.Equal("false", Header(refused, "x-should-retry"));
        Assert.Equal(["model-west"], host.Upstream.Calls);
    }

    [Theory]
    [InlineData("00:01:01")]
    [InlineData("-00:00:01")]
    public void A_bound_out_of_range_fails_the_start(string bound)
    {
        using var invalid = With(new() { ["RateLimitResponses:MaxRetryableWait"] = bound });

        var failure = Assert.Throws<OptionsValidationException>(() => invalid.CreateClient());
        Assert.Contains("MaxRetryableWait", failure.Message);
    }

    private WebApplicationFactory<Program> With(Dictionary<string, string?> settings) =>
        host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings)));

    private static Task<HttpResponseMessage> ChatAsync(WebApplicationFactory<Program> factory, string model, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.PostAsync("/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
}
