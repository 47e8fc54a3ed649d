using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Switchyard.BedrockEmulator.Faults;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>
/// The media types InvokeModel takes and gives: a JSON body (or the AWS SDKs' default for a blob
/// payload, <c>application/octet-stream</c>, whose bytes must still be JSON) and a JSON answer.
/// </summary>
internal static class InvokeMediaTypes
{
    public const string Json = "application/json";

    /// <summary>The answer's content type on a stream, where Content-Type is the event stream's.</summary>
    public const string StreamContentTypeHeader = "X-Amzn-Bedrock-Content-Type";

    /// <summary>The accepted type on a stream, where Accept is the event stream's.</summary>
    public const string StreamAcceptHeader = "X-Amzn-Bedrock-Accept";

    private static readonly MediaTypeHeaderValue JsonType = new(Json);

    public static EmulatorError? Error(HttpRequest request, bool streaming)
    {
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType)
            && !(MediaTypeHeaderValue.TryParse(contentType, out var parsed)
                && (parsed.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) || parsed.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))))
        {
            return EmulatorError.Validation($"The provided content type '{contentType}' is not supported for this model. Send the body as {Json}.");
        }

        var accept = streaming ? request.Headers[StreamAcceptHeader] : request.Headers.Accept;
        if (!StringValues.IsNullOrEmpty(accept)
            && !(MediaTypeHeaderValue.TryParseList(accept, out var ranges) && ranges.Any(range => JsonType.IsSubsetOf(range))))
        {
            return EmulatorError.Validation($"The provided accept type '{accept}' is not supported for this model. Accept {Json}.");
        }

        return null;
    }
}
