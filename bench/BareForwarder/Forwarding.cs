using System.Net;
using Microsoft.Extensions.Options;
using Switchyard.Admission;

namespace Switchyard.Bench.BareForwarder;

/// <summary>
/// POST /v1/chat/completions, forwarded byte for byte: the body streams to the upstream and the answer,
/// streamed or not, streams back. No parsing, routing, tracing or metrics, so what it adds over calling the
/// upstream directly is the floor of any .NET gateway hop on the machine (Kestrel in, HttpClient out). With
/// tracing on, the hop is traced and metered as the Router is (its server and client spans, exported): the floor
/// of a traced hop. With admission on, each request first makes the Router's admission call (the tenant's key from the cache, one
/// Admit script round trip) and settles after the response, as the Router does: the floor of a gateway
/// that admits every request in the store.
/// </summary>
public static class Forwarding
{
    public static IEndpointRouteBuilder MapBareForwarder(this IEndpointRouteBuilder app)
    {
        var settings = app.ServiceProvider.GetRequiredService<IOptions<ForwarderOptions>>().Value;
        var client = app.ServiceProvider.GetRequiredService<HttpClient>();
        // Registered only with admission on (ForwarderServiceCollectionExtensions).
        var admission = settings.Admission ? app.ServiceProvider.GetRequiredService<ITenantAdmission>() : null;
        // Decided once: HTTP/2 as the Router speaks it with HttpVersion "2" (negotiated over TLS, prior knowledge over http://).
        var protocol = settings.HttpVersion != "2" ? (HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower)
            : (HttpVersion.Version20, settings.Upstream!.Scheme == Uri.UriSchemeHttps ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact);
        app.MapPost("/v1/chat/completions", (HttpContext http) => ForwardAsync(http, client, settings, protocol, admission));
        app.MapGet("/health", () => TypedResults.Ok());
        return app;
    }

    private static async Task ForwardAsync(HttpContext http, HttpClient client, ForwarderOptions settings, (Version Version, HttpVersionPolicy Policy) protocol, ITenantAdmission? admission)
    {
        if (admission is not null && !await AdmitAsync(http, admission, settings))
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Upstream)
        {
            Content = new StreamContent(http.Request.Body),
            Version = protocol.Version,
            VersionPolicy = protocol.Policy,
        };
        request.Content.Headers.ContentType = new("application/json");
        if (settings.UpstreamApiKey is { } key)
        {
            request.Headers.Authorization = new("Bearer", key);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        http.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private static async Task<bool> AdmitAsync(HttpContext http, ITenantAdmission admission, ForwarderOptions settings)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        var resolution = await admission.ResolveKeyAsync(authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "", http.RequestAborted);
        if (resolution is not { Status: KeyStatus.Found, Tenant: { } tenant })
        {
            http.Response.StatusCode = resolution.Status == KeyStatus.Unavailable ? 503 : 401;
            return false;
        }

        var decision = await admission.AdmitAsync(tenant, new AdmissionRequest(settings.ModelGroup, settings.ReservedTokens), http.RequestAborted);
        if (decision.Lease is not { } lease)
        {
            http.Response.StatusCode = 429;
            return false;
        }

        // As the Router settles: after the response, not awaited by the connection's next request.
        http.Response.OnCompleted(() =>
        {
            _ = admission.SettleAsync(lease, new UsageReport(settings.ReservedTokens, 0, 0), CancellationToken.None);
            return Task.CompletedTask;
        });
        return true;
    }
}
