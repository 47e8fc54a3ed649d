using System.Diagnostics;
using System.Net.Http.Headers;

namespace Switchyard.Router.Providers;

/// <summary>
/// The one connection pool every provider call goes through, with one span per upstream attempt: the
/// attempt's own (<c>chat {model}</c>), which already carries what the HTTP client span would repeat
/// (deployment, status, error, duration). So the pool has no <c>System.Net.Http</c> span of its own (no
/// <c>DiagnosticsHandler</c>: <see cref="SocketsHttpHandler.ActivityHeadersPropagator"/> is null), and this
/// handler writes the W3C trace context of the current span, the attempt's, into each request itself, so the
/// upstream's spans still join the trace, as children of the attempt. Measured in bench/ (the overhead
/// scenario): the HTTP client span cost an <see cref="Activity"/>, its tags and an export per attempt.
/// </summary>
/// <remarks>
/// Deadlines are the router's, not the pool's: only connecting has its own timeout. Redirects are not followed:
/// an API endpoint that answers 3xx is misconfigured (a followed 301 or 302 turns the POST into a GET without
/// its body), so the answer is the provider's error with its status, and no redirect handler runs per call.
/// </remarks>
internal sealed class ProviderTransport() : DelegatingHandler(new SocketsHttpHandler
{
    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    ConnectTimeout = TimeSpan.FromSeconds(5),
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
    AllowAutoRedirect = false,
})
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Activity.Current is { } span)
        {
            // What DiagnosticsHandler would write (traceparent, tracestate, baggage), never over a header already set.
            DistributedContextPropagator.Current.Inject(span, request.Headers, static (carrier, name, value) =>
            {
                var headers = (HttpRequestHeaders)carrier!;
                if (value is not null && !headers.Contains(name))
                {
                    headers.TryAddWithoutValidation(name, value);
                }
            });
        }

        return base.SendAsync(request, cancellationToken);
    }
}
