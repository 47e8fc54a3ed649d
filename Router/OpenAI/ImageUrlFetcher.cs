using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// Replaces the https image URLs of a request (<see cref="UriContent"/> from <see cref="ImagePartReader"/>) by
/// the images' bytes, under <see cref="ImageUrlOptions"/>: only https, only allowed hosts, only public
/// addresses (checked on the address actually connected to, so DNS cannot point a name elsewhere between
/// check and use), no proxy, at most three redirects each checked like the first, a size limit enforced
/// while reading, and a timeout. Whatever goes wrong is a 400 naming the element: the URL is the client's.
/// </summary>
public sealed class ImageUrlFetcher(HttpMessageHandler handler, IOptionsMonitor<ImageUrlOptions> options)
{
    private const int MaxRedirects = 3;

    private readonly HttpClient _http = new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The handler the fetcher is built with: no redirects, cookies or proxy, and the address guard.</summary>
    public static SocketsHttpHandler CreateHandler(IOptionsMonitor<ImageUrlOptions> options) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellation) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellation);
            var usable = options.CurrentValue.AllowPrivateAddresses ? addresses : [.. addresses.Where(IsPublic)];
            if (usable.Length == 0)
            {
                throw new ImageUrlRefusedException($"the host {context.DnsEndPoint.Host} does not resolve to a public address");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(usable, context.DnsEndPoint.Port, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>The request with every image URL replaced by the image; the same request when it has none.</summary>
    public async Task<RouteRequest> ResolveAsync(RouteRequest request, CancellationToken cancellation)
    {
        if (!request.Messages.Any(m => m.Contents.Any(c => c is UriContent)))
        {
            return request;
        }

        var messages = new List<ChatMessage>(request.Messages.Count);
        foreach (var message in request.Messages)
        {
            if (!message.Contents.Any(c => c is UriContent))
            {
                messages.Add(message);
                continue;
            }

            var contents = new List<AIContent>(message.Contents.Count);
            foreach (var content in message.Contents)
            {
                contents.Add(content is UriContent uri ? await FetchAsync(uri, cancellation) : content);
            }

            messages.Add(new ChatMessage(message.Role, contents));
        }

        return request with { Messages = messages };
    }

    private async Task<DataContent> FetchAsync(UriContent image, CancellationToken cancellation)
    {
        var param = image.AdditionalProperties?[ImagePartReader.ParamProperty] as string;
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            throw RoutingException.InvalidRequest(
                $"'{param}': this Router does not fetch image URLs; send the image as a base64 data URL (data:image/png;base64,...).", param, "image_url_fetch_disabled");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var uri = image.Uri;
            for (var redirects = 0; ; redirects++)
            {
                if (uri.Scheme != Uri.UriSchemeHttps || !IsAllowedHost(uri.Host, settings.AllowedHosts))
                {
                    throw new ImageUrlRefusedException(uri.Scheme != Uri.UriSchemeHttps ? "only https URLs are fetched" : $"the host {uri.Host} is not in ImageUrls:AllowedHosts");
                }

                using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.StatusCode is >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest && response.Headers.Location is { } location)
                {
                    if (redirects == MaxRedirects)
                    {
                        throw new ImageUrlRefusedException($"more than {MaxRedirects} redirects");
                    }

                    uri = new Uri(uri, location);
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new ImageUrlRefusedException($"the server answered {(int)response.StatusCode}");
                }

                var bytes = await ReadLimitedAsync(response.Content, settings.MaxBytes, timeout.Token);
                return ImageFormat.Detect(bytes) is { } format
                    ? new DataContent(bytes, format.MediaType)
                    : throw new ImageUrlRefusedException("it is not a png, jpeg, gif or webp image");
            }
        }
        catch (ImageUrlRefusedException refused)
        {
            throw Refused(param, refused.Message);
        }
        catch (HttpRequestException failed) when (failed.InnerException is ImageUrlRefusedException refused)
        {
            throw Refused(param, refused.Message);
        }
        catch (HttpRequestException failed)
        {
            throw Refused(param, $"the request failed ({failed.HttpRequestError})");
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw Refused(param, $"no answer within {settings.Timeout.TotalSeconds:0.###} s");
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, int maxBytes, CancellationToken cancellation)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new ImageUrlRefusedException($"it is larger than {maxBytes} bytes");
        }

        await using var body = await content.ReadAsStreamAsync(cancellation);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new ImageUrlRefusedException($"it is larger than {maxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static RoutingException Refused(string? param, string reason) =>
        RoutingException.InvalidRequest($"The image at '{param}' could not be fetched: {reason}.", param, "invalid_image_url");

    public static bool IsAllowedHost(string host, IReadOnlyList<string> allowed) =>
        allowed.Count == 0 || allowed.Any(entry => entry.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, entry, StringComparison.OrdinalIgnoreCase));

    /// <summary>False for loopback, private, shared (CGNAT), link-local, multicast, unspecified and reserved addresses, IPv4 and IPv6.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 or >= 224 => false,
                100 when b[1] is >= 64 and < 128 => false,
                169 when b[1] == 254 => false,
                172 when b[1] is >= 16 and < 32 => false,
                192 when b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2) => false,
                198 when b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100) => false,
                203 when b[1] == 0 && b[2] == 113 => false,
                _ => true,
            };
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || address.IsIPv6UniqueLocal || address.IsIPv6Teredo)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        // 2001:db8::/32 is documentation; 64:ff9b::/96 (NAT64) could reach an IPv4 private address.
        return !(bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8)
            && !(bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b);
    }
}
