using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Http;

/// <summary>
/// A front door's JSON request body, read the same way by every door: 413 past the Router's body limit, 400
/// <c>invalid_json</c> for a body that is not JSON or not a JSON object. Each door maps the refusal to its own shape.
/// </summary>
public static class JsonRequestBody
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The whole body in a rented buffer (the caller disposes it), so a door can read it typed in one pass and
    /// still parse it again when that pass fails (<see cref="ParseObject"/>), to say what is wrong.
    /// </summary>
    public static async Task<PooledBufferWriter> ReadAsync(HttpContext http, int maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        // A body without Content-Length that grows past the limit makes Kestrel throw a 413 BadHttpRequestException.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        // A declared length is read into one buffer with a byte to spare (for the read that finds the end); else in 4 KB steps.
        var declared = http.Request.ContentLength;
        var body = new PooledBufferWriter(declared is { } length ? (int)length + 1 : 4096);
        try
        {
            while (true)
            {
                var read = await http.Request.Body.ReadAsync(body.GetMemory(declared is null ? 4096 : 1), http.RequestAborted);
                if (read == 0)
                {
                    return body;
                }

                body.Advance(read);
                // Where Kestrel's limit cannot be set any more (the body already started), the count still holds.
                if (body.WrittenSpan.Length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The body's JSON: without a leading UTF-8 byte order mark, which some clients' encoders write. JsonDocument read
    /// from a stream skips one; the typed reading and JsonDocument over bytes would refuse it.
    /// </summary>
    public static ReadOnlyMemory<byte> Json(PooledBufferWriter body) =>
        body.WrittenSpan.StartsWith(ByteOrderMark) ? body.WrittenMemory[ByteOrderMark.Length..] : body.WrittenMemory;

    /// <summary>The body as a document (valid while <paramref name="body"/>'s buffer is): 400 <c>invalid_json</c> when it is not JSON or not an object.</summary>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
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

    /// <summary>
    /// The body read typed in one pass; null when that fails in any way. The caller then reads it again the way that
    /// names the fault (<see cref="ParseObject"/>, its checks, the typed reading of the document), which meets the
    /// same fault and refuses it with its reason, or throws what it threw before: so no exception is lost here.
    /// </summary>
    public static T? ReadTyped<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static RoutingException TooLarge(int maxBytes) =>
        new(413, "invalid_request_error", "request_too_large", $"The request body exceeds {maxBytes} bytes.");
}
