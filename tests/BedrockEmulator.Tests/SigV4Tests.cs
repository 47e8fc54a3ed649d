using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class SigV4Tests(EmulatorHost host) : EmulatorTest(host)
{
    [Fact]
    public async Task A_request_signed_by_AWSSDK_Core_with_a_colon_in_the_model_id_is_accepted()
    {
        using var client = Host.SignedClient("us-west-2", EmulatorHost.SecondaryAccessKey, EmulatorHost.SecondarySecret);

        using var response = await ConverseAsync(client, Haiku);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_unsigned_request_is_MissingAuthenticationToken()
    {
        using var client = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };

        await AssertRejectedAsync(await ConverseAsync(client, Sonnet), HttpStatusCode.Forbidden, "MissingAuthenticationTokenException");
    }

    [Fact]
    public async Task An_unknown_access_key_is_UnrecognizedClient()
    {
        using var client = Host.SignedClient("us-east-1", "AKIANOBODY", EmulatorHost.PrimarySecret);

        await AssertRejectedAsync(await ConverseAsync(client, Sonnet), HttpStatusCode.Forbidden, "UnrecognizedClientException");
    }

    [Fact]
    public async Task A_wrong_secret_is_InvalidSignature()
    {
        using var client = Host.SignedClient("us-east-1", EmulatorHost.PrimaryAccessKey, EmulatorHost.SecondarySecret);

        await AssertRejectedAsync(await ConverseAsync(client, Sonnet), HttpStatusCode.Forbidden, "InvalidSignatureException", "does not match");
    }

    [Fact]
    public async Task A_signature_scoped_to_another_Region_is_InvalidSignature()
    {
        using var client = EmulatorHost.SignedClient(Host.Endpoint("us-east-1"), "us-west-2");

        await AssertRejectedAsync(await ConverseAsync(client, Sonnet), HttpStatusCode.Forbidden, "InvalidSignatureException", "valid region");
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_InvalidSignature()
    {
        var signed = await SignAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Host.Endpoint("us-east-1"), $"model/{Sonnet}/converse"))
        {
            Content = JsonContent.Create(Body("original")),
        });
        signed.Content = JsonContent.Create(Body("tampered"));

        using var plain = new HttpClient();
        await AssertRejectedAsync(await plain.SendAsync(signed), HttpStatusCode.Forbidden, "InvalidSignatureException");
    }

    [Fact]
    public async Task A_signature_more_than_five_minutes_old_is_rejected()
    {
        var signed = await SignAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Host.Endpoint("us-east-1"), $"model/{Sonnet}/converse"))
        {
            Content = JsonContent.Create(Body()),
        });
        var stale = DateTime.UtcNow.AddMinutes(-6).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        signed.Headers.Remove("X-Amz-Date");
        signed.Headers.TryAddWithoutValidation("X-Amz-Date", stale);

        using var plain = new HttpClient();
        await AssertRejectedAsync(await plain.SendAsync(signed), HttpStatusCode.Forbidden, "InvalidSignatureException", "Signature expired");
    }

    /// <summary>Signs a request with AWSSDK.Core and returns it unsent.</summary>
    private static async Task<HttpRequestMessage> SignAsync(HttpRequestMessage request)
    {
        var capture = new CapturingHandler();
        using var client = new HttpClient(new Amazon.Runtime.Signing.SigV4SigningHandler(
            new Amazon.Runtime.BasicAWSCredentials(EmulatorHost.PrimaryAccessKey, EmulatorHost.PrimarySecret), Amazon.RegionEndpoint.USEast1, "bedrock", capture));
        await client.SendAsync(request);
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content };
        foreach (var header in capture.Captured!.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }

    private static async Task AssertRejectedAsync(HttpResponseMessage response, HttpStatusCode status, string errorType, string? message = null)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(errorType, ErrorType(response));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(message ?? "", body.GetProperty("message").GetString());
        }
    }

    /// <summary>Keeps the signed request instead of sending it.</summary>
    private sealed class CapturingHandler : HttpMessageHandler
    {
        public HttpRequestMessage? Captured { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Captured = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }
}
