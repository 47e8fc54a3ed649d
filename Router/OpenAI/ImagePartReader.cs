using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// An <c>image_url</c> content part: a base64 data URL becomes the image's bytes (checked against its
/// declared type), an https URL a <see cref="UriContent"/> that <see cref="ImageUrlFetcher"/> fetches later
/// (or refuses, when fetching is off). Anything else is a 400 naming the element. Limits are Bedrock
/// Converse's: png, jpeg, gif or webp, at most 3.75 MB each and 20 a request.
/// </summary>
public static class ImagePartReader
{
    public const int MaxImageBytes = 3_932_160; // 3.75 MiB

    public const int MaxImagesPerRequest = 20;

    /// <summary>What an image reserves against tpm before the call: Claude counts at most about 1,600 tokens an image.</summary>
    public const int ReservedTokensPerImage = 1_600;

    /// <summary>Key of the element's param (<c>messages[0].content[1]</c>) in a <see cref="UriContent"/>'s properties, for the fetcher's errors.</summary>
    public const string ParamProperty = "switchyard.param";

    public static AIContent Read(JsonElement part, string partParam)
    {
        var imageUrl = OpenAIJson.Member(part, "image_url", partParam);
        if (imageUrl.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType($"{partParam}.image_url", "an object", imageUrl);
        }

        var urlParam = $"{partParam}.image_url.url";
        var url = OpenAIJson.Member(imageUrl, "url", $"{partParam}.image_url");
        if (url.ValueKind != JsonValueKind.String)
        {
            throw InvalidType(urlParam, "a string", url);
        }

        var detail = OpenAIJson.Member(imageUrl, "detail", $"{partParam}.image_url");
        if (detail.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)
            && !(OpenAIJson.IsText(detail, "auto") || OpenAIJson.IsText(detail, "low") || OpenAIJson.IsText(detail, "high")))
        {
            throw RoutingException.InvalidRequest($"'{partParam}.image_url.detail' must be auto, low or high.", $"{partParam}.image_url.detail");
        }

        var text = OpenAIJson.Text(url, urlParam);

        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return ReadDataUrl(text, urlParam);
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0)
        {
            var content = new UriContent(uri, "image/*");
            (content.AdditionalProperties ??= [])[ParamProperty] = urlParam;
            return content;
        }

        throw RoutingException.InvalidRequest($"'{urlParam}' must be a base64 data URL (data:image/png;base64,...) or an https URL.", urlParam, "invalid_image_url");
    }

    private static DataContent ReadDataUrl(string url, string param)
    {
        // data:<media type>;base64,<data>
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var header = comma < 0 ? "" : url[5..comma];
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw RoutingException.InvalidRequest($"'{param}' must be a base64 data URL: data:image/<png|jpeg|gif|webp>;base64,<data>.", param, "invalid_image_url");
        }

        var mediaType = header[..^7].ToLowerInvariant();
        if (ImageFormat.FromMediaType(mediaType) is not { } format)
        {
            throw RoutingException.InvalidRequest($"'{param}' has the media type '{Bounded(mediaType)}'; supported: image/png, image/jpeg, image/gif, image/webp.", param, "invalid_image_format");
        }

        var data = url.AsSpan(comma + 1);
        // Checked on the encoded length first: a huge image is refused before it is decoded.
        if (data.Length / 4 * 3 > MaxImageBytes + 2)
        {
            throw TooLarge(param);
        }

        var bytes = new byte[data.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(data, bytes, out var length) || length == 0)
        {
            throw RoutingException.InvalidRequest($"'{param}' does not hold valid base64 image data.", param, "invalid_image");
        }

        if (length > MaxImageBytes)
        {
            throw TooLarge(param);
        }

        var image = bytes.AsMemory(0, length);
        if (ImageFormat.Detect(image.Span) != format)
        {
            throw RoutingException.InvalidRequest($"'{param}' is declared {mediaType} but its data is not a {format.Name} image.", param, "invalid_image");
        }

        return new DataContent(image, format.MediaType);
    }

    private static RoutingException TooLarge(string param) =>
        RoutingException.InvalidRequest($"'{param}' is larger than {MaxImageBytes} bytes, the most an image may have.", param, "image_too_large");

    private static RoutingException InvalidType(string param, string expected, JsonElement got) =>
        RoutingException.InvalidRequest($"Invalid type for '{param}': expected {expected}, but got {(got.ValueKind == JsonValueKind.Undefined ? "nothing" : got.ValueKind.ToString().ToLowerInvariant())} instead.", param, "invalid_type");

    private static string Bounded(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
