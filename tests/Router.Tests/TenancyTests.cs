using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;

namespace Switchyard.Router.Tests;

/// <summary>Tenant keys and limits as the Router enforces them on every request.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class TenancyTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(null, "missing_api_key")]
    [InlineData("Bearer no-such-key", "invalid_api_key")]
    [InlineData("Basic dGVzdA==", "missing_api_key")]
    public async Task A_missing_or_unknown_key_gets_401_before_anything_else(string? authorization, string code)
    {
        using var response = await SendAsync("pair", authorization, body: "{not even json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(code, (await ErrorOf(response)).GetProperty("code").GetString());
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task A_revoked_key_stops_working()
    {
        var store = host.Services.GetRequiredService<TenantStore>();
        var (key, plain) = (await store.IssueKeyAsync("steady"))!.Value;
        using (var before = await SendAsync("pair", $"Bearer {plain}"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await store.RevokeKeyAsync("steady", key.Id);
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // revocation travels over pub/sub to the key cache

        using var after = await SendAsync("pair", $"Bearer {plain}");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task The_reference_quota_isolation_demo_A_3_of_5_B_5_of_5()
    {
        var noisy = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync("pair", "Bearer noisy-key")));
        var steady = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync("pair", "Bearer steady-key")));

        Assert.Equal(3, noisy.Count(r => r.StatusCode == HttpStatusCode.OK));
        var limited = noisy.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(2, limited.Count);
        Assert.All(steady, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var rejection = limited[0];
        Assert.Equal("rate_limit_exceeded", (await ErrorOf(rejection)).GetProperty("code").GetString());
        Assert.True(rejection.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("3", Header(rejection, "x-ratelimit-limit-requests"));
        Assert.Equal("0", Header(rejection, "x-ratelimit-remaining-requests"));
        Assert.NotNull(Header(rejection, "x-ratelimit-reset-requests"));
        Assert.Equal("10", Header(steady[0], "x-ratelimit-limit-requests"));
    }

    [Fact]
    public async Task A_model_group_outside_the_tenants_list_is_refused()
    {
        using var refused = await SendAsync("pair", "Bearer closed-key");
        using var allowed = await SendAsync("solo", "Bearer closed-key");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("model_not_allowed", (await ErrorOf(refused)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_tenant_pinned_to_a_dedicated_deployment_is_served_only_there()
    {
        using var response = await SendAsync("pair", "Bearer pinned-key");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("west", Header(response, "x-switchyard-deployment"));
        Assert.Equal(["model-west"], host.Upstream.Calls);
    }

    [Fact]
    public async Task Usage_is_settled_against_the_tenant_after_the_response()
    {
        var store = host.Services.GetRequiredService<TenantStore>();

        using (var response = await SendAsync("pair", "Bearer steady-key"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        TenantUsage? usage = null;
        for (var i = 0; i < 50 && usage?.TokensLastMinute != 12; i++)
        {
            await Task.Delay(20);
            usage = await store.GetUsageAsync("steady");
        }

        Assert.Equal(1, usage!.RequestsLastMinute);
        Assert.Equal(12, usage.TokensLastMinute); // the reservation replaced by the 5 + 7 tokens used
        Assert.Equal(0, usage.ActiveLeases);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(200_000_000)]
    public async Task An_absurd_max_tokens_is_a_400_and_charges_the_tenant_nothing(int maxTokens)
    {
        var store = host.Services.GetRequiredService<TenantStore>();

        using var response = await SendAsync("pair", "Bearer steady-key",
            $$"""{"model":"pair","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await ErrorOf(response)).GetProperty("type").GetString());
        Assert.Empty(host.Upstream.Calls);
        Assert.Equal(new TenantUsage("steady", 0, 0, 0, 0, 0), await store.GetUsageAsync("steady"));
    }

    [Fact]
    public async Task With_tenancy_off_requests_need_no_key_and_meet_no_tenant_limit()
    {
        await using var open = host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["Tenancy:Enabled"] = "false" })));

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync(open, "pair", authorization: null)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses, r => Assert.Null(Header(r, "x-ratelimit-limit-requests")));
        Assert.Equal(5, host.Upstream.Calls.Count);
    }

    [Fact]
    public async Task The_concurrency_lease_lasts_the_requests_overall_deadline()
    {
        var inner = host.Services.GetRequiredService<ITenantAdmission>();
        var recorder = DispatchProxy.Create<ITenantAdmission, RecordingAdmission>();
        ((RecordingAdmission)(object)recorder).Inner = inner;
        await using var app = host.WithWebHostBuilder(builder => builder
            .ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?> { ["Routing:Timeouts:Overall"] = "00:00:42" }))
            .ConfigureTestServices(services => services.AddSingleton(recorder)));

        using var response = await SendAsync(app, "pair", "Bearer steady-key");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var admitted = Assert.Single(((RecordingAdmission)(object)recorder).Admissions);
        Assert.Equal(TimeSpan.FromSeconds(42), admitted.LeaseTimeout);
    }

    /// <summary>Passes every call to the real admission and keeps what was asked of AdmitAsync.</summary>
    public class RecordingAdmission : DispatchProxy
    {
        public ITenantAdmission? Inner { get; set; }

        public System.Collections.Concurrent.ConcurrentQueue<AdmissionRequest> Admissions { get; } = new();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(ITenantAdmission.AdmitAsync) && args?[1] is AdmissionRequest request)
            {
                Admissions.Enqueue(request);
            }

            return targetMethod!.Invoke(Inner, args);
        }
    }

    private Task<HttpResponseMessage> SendAsync(string model, string? authorization, string? body = null) => SendAsync(host, model, authorization, body);

    private static Task<HttpResponseMessage> SendAsync(WebApplicationFactory<Program> factory, string model, string? authorization, string? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body ?? $$"""{"model":"{{model}}","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = authorization is null ? null : AuthenticationHeaderValue.Parse(authorization);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
}
