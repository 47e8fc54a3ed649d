using System.Net;
using System.Text.Json;

namespace Switchyard.Router.Providers.Bedrock;

/// <summary>Turns Bedrock's error answers, in HTTP or in the event stream, into <see cref="ProviderException"/>.</summary>
internal static class BedrockErrors
{
    public static async Task<ProviderException> FromResponseAsync(HttpResponseMessage response, TimeProvider clock, CancellationToken cancellationToken)
    {
        // x-amzn-ErrorType may carry a namespace suffix: "ThrottlingException:http://internal.amazon.com/...".
        var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values)
            ? values.First().Split(':')[0]
            : $"Http{(int)response.StatusCode}";
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return Classify((int)response.StatusCode, errorType, ReadMessage(body), ProviderException.ParseRetryAfter(response.Headers, clock));
    }

    /// <summary>An exception frame inside a ConverseStream answer (":exception-type" header).</summary>
    public static ProviderException FromStreamException(string exceptionType, ReadOnlySpan<byte> payload)
    {
        // Stream exception names are camelCase members of ConverseStreamOutput ("throttlingException").
        var errorType = exceptionType.Length > 0 ? char.ToUpperInvariant(exceptionType[0]) + exceptionType[1..] : "UnknownStreamException";
        var status = errorType switch
        {
            "ThrottlingException" => 429,
            "ServiceUnavailableException" => 503,
            "ValidationException" => 400,
            "ModelStreamErrorException" => 424,
            _ => 500,
        };
        return Classify(status, errorType, ReadMessage(payload), retryAfter: null);
    }

    public static ProviderException Classify(int status, string errorType, string message, TimeSpan? retryAfter)
    {
        var kind = (status, errorType) switch
        {
            (_, "ThrottlingException" or "ServiceQuotaExceededException" or "TooManyRequestsException") => FailureKind.Throttled,
            (_, "ModelNotReadyException" or "ServiceUnavailableException") => FailureKind.Unavailable,
            (_, "ModelTimeoutException") => FailureKind.Timeout,
            (_, "ValidationException") when IsContextWindowMessage(message) => FailureKind.ContextWindowExceeded,
            (429, _) => FailureKind.Throttled,
            (503, _) => FailureKind.Unavailable,
            (408 or 504, _) => FailureKind.Timeout,
            (>= 500, _) or (424, _) => FailureKind.ServerError,
            _ => FailureKind.ClientError,
        };
        return new ProviderException(kind, status, errorType, $"Bedrock {errorType} ({status}): {message}", retryAfter);
    }

    public static ProviderException ConnectionFailure(HttpRequestException exception) =>
        new(FailureKind.Unavailable, 0, "ConnectionError", $"Bedrock endpoint unreachable: {exception.Message}", inner: exception);

    private static bool IsContextWindowMessage(string message) =>
        message.Contains("too long", StringComparison.OrdinalIgnoreCase)
        || message.Contains("context window", StringComparison.OrdinalIgnoreCase)
        || message.Contains("too many input tokens", StringComparison.OrdinalIgnoreCase)
        || message.Contains("context length", StringComparison.OrdinalIgnoreCase);

    private static string ReadMessage(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return "(no message)";
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, ConverseJsonContext.Default.AwsErrorBody);
            return error?.Message ?? error?.MessageUpper ?? System.Text.Encoding.UTF8.GetString(body);
        }
        catch (JsonException)
        {
            return System.Text.Encoding.UTF8.GetString(body);
        }
    }

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
