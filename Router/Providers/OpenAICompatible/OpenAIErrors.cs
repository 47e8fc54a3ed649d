using System.Text;
using System.Text.Json;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// Turns an OpenAI-compatible endpoint's failures into <see cref="ProviderException"/>: error answers by
/// status (and the body's code for context-window and content-filter refusals), an error object in the
/// middle of a stream, connection failures as unavailable, and an answer that is not the JSON it should
/// be as a retryable server error.
/// </summary>
internal static class OpenAIErrors
{
    /// <summary>Most of an error body kept: an endpoint may answer with a page of HTML.</summary>
    private const int MaxBodyChars = 8192;

    public static async Task<ProviderException> FromResponseAsync(HttpResponseMessage response, TimeProvider clock, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await ReadBodyAsync(response, cancellationToken);
        var retryAfter = ProviderException.ParseRetryAfter(
            response.Headers.TryGetValues("retry-after", out var seconds) ? seconds.FirstOrDefault() : null,
            response.Headers.TryGetValues("retry-after-ms", out var ms) ? ms.FirstOrDefault() : null,
            clock);
        var kind = status switch
        {
            429 => FailureKind.Throttled,
            503 => FailureKind.Unavailable,
            408 or 504 => FailureKind.Timeout,
            >= 500 => FailureKind.ServerError,
            _ when body.Contains("context_length_exceeded", StringComparison.Ordinal) => FailureKind.ContextWindowExceeded,
            _ when body.Contains("content_filter", StringComparison.Ordinal) => FailureKind.ContentFiltered,
            _ => FailureKind.ClientError,
        };
        return new ProviderException(kind, status, $"OpenAI{status}", $"OpenAI-compatible endpoint answered {status}: {body}", retryAfter);
    }

    /// <summary>
    /// An <c>error</c> object sent inside a 200 stream (vLLM and OpenAI do, when generation fails midway):
    /// classified by its code or type; anything else is the server failing, which another deployment may not.
    /// </summary>
    public static ProviderException FromStreamError(string? type, string? code, string? message)
    {
        var kind = (code ?? type) switch
        {
            "rate_limit_exceeded" or "insufficient_quota" => FailureKind.Throttled,
            "context_length_exceeded" => FailureKind.ContextWindowExceeded,
            "content_filter" => FailureKind.ContentFiltered,
            _ => FailureKind.ServerError,
        };
        return new ProviderException(kind, 200, "OpenAIStreamError", $"OpenAI-compatible endpoint sent an error mid-stream: type={type}, code={code}: {message}");
    }

    public static ProviderException ConnectionFailure(Exception exception) =>
        new(FailureKind.Unavailable, 0, "ConnectionError", $"OpenAI-compatible endpoint unreachable: {exception.Message}", inner: exception);

    public static ProviderException InvalidResponse(Exception exception) =>
        new(FailureKind.ServerError, 0, "InvalidResponse",
            $"OpenAI-compatible endpoint answered something the client could not read: {exception.GetType().Name}: {exception.Message}", inner: exception);

    /// <summary>Whether an exception is an answer that does not read as Chat Completions (as opposed to the connection failing).</summary>
    public static bool IsUnreadable(Exception exception) => exception is JsonException or OverflowException or FormatException or InvalidDataException;

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var text = Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, MaxBodyChars * 4)));
            return text.Length > MaxBodyChars ? text[..MaxBodyChars] : text;
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The status is what matters; a body cut off by the connection closing says no more.
            return $"(the body could not be read: {e.Message})";
        }
    }
}
