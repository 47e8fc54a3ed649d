using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Http;

/// <summary>
/// A front door's JSON request body, read the same way by every door: 413 past the Router's body limit, 400
/// <c>invalid_json</c> for a body that is not JSON or not a JSON object. Each door maps the refusal to its own shape.
/// </summary>
public static class JsonRequestBody
{
    public static async Task<JsonDocument> ReadObjectAsync(HttpContext http, int maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            throw new RoutingException(413, "invalid_request_error", "request_too_large", $"The request body exceeds {maxBytes} bytes.");
        }

        // A body without Content-Length that grows past the limit makes Kestrel throw a 413 BadHttpRequestException.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException e)
        {
            throw RoutingException.InvalidRequest($"The request body is not valid JSON: {e.Message}", null, "invalid_json");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw RoutingException.InvalidRequest("The request body must be a JSON object.", null, "invalid_json");
        }

        return document;
    }
}
