using System.Globalization;
using System.Net;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;

namespace Switchyard.Router.Tests.BedrockRuntime;

/// <summary>SigV4 with tenant access key pairs, signed by AWSSDK.Core's signer (the AWS SDK for .NET's), then altered on the way as an attacker or a broken clock would.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class SigV4DoorTests(RouterHost host) : IAsyncLifetime
{
    private const string Body = """{"messages":[{"role":"user","content":[{"text":"hello"}]}]}""";

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_request_signed_by_the_tenants_pair_is_served_for_that_tenant()
    {
        using var response = await SendAsync(await IssueAsync("noisy"), alter: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The noisy tenant's own limit, not the test tenant's, applies.
        Assert.Equal("3", Header(response, "x-ratelimit-limit-requests"));
    }

    [Fact]
    public async Task A_signature_outside_the_15_minute_skew_window_is_refused()
    {
        var stale = TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-20).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        using var response = await SendAsync(await IssueAsync("test"), request =>
        {
            request.Headers.Remove("X-Amz-Date");
            request.Headers.TryAddWithoutValidation("X-Amz-Date", stale);
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", Header(response, "x-amzn-ErrorType"));
        Assert.Contains("15 minutes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_credential_scope_dated_another_day_than_the_signature_is_refused()
    {
        using var response = await SendAsync(await IssueAsync("test"), request =>
        {
            // Credential=<id>/<yyyyMMdd>/...: the scope says the day before X-Amz-Date does.
            var authorization = request.Headers.GetValues("Authorization").Single();
            var date = request.Headers.GetValues("X-Amz-Date").Single()[..8];
            var dayBefore = DateTime.ParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", authorization.Replace("/" + date + "/", "/" + dayBefore + "/", StringComparison.Ordinal));
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", Header(response, "x-amzn-ErrorType"));
        Assert.Contains("Date in Credential scope does not match", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused()
    {
        using var response = await SendAsync(await IssueAsync("test"), request =>
            request.Content = new StringContent(Body.Replace("hello", "HELLO", StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", Header(response, "x-amzn-ErrorType"));
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task An_unknown_access_key_is_refused()
    {
        using var response = await SendAsync(AccessKeyPair.Generate("test", TimeProvider.System.GetUtcNow()), alter: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("UnrecognizedClientException", Header(response, "x-amzn-ErrorType"));
    }

    private async Task<AccessKeyPair> IssueAsync(string tenant) => (await host.Services.GetRequiredService<AccessKeyStore>().IssueAsync(tenant))!;

    private async Task<HttpResponseMessage> SendAsync(AccessKeyPair pair, Action<HttpRequestMessage>? alter)
    {
        var transport = new AlteringHandler(alter) { InnerHandler = new SocketsHttpHandler() };
        using var client = new HttpClient(new SigV4SigningHandler(new BasicAWSCredentials(pair.AccessKeyId, pair.SecretAccessKey), RegionEndpoint.USEast1, "bedrock", transport))
        {
            BaseAddress = host.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/model/pair/converse") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>Changes the request after it was signed.</summary>
    private sealed class AlteringHandler(Action<HttpRequestMessage>? alter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            alter?.Invoke(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
