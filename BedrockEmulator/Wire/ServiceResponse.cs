namespace Switchyard.BedrockEmulator.Wire;

/// <summary>
/// An answer of the STS or CloudWatch Logs API, made in full while the request body is in hand (the
/// handlers work on its pooled buffer) and written afterwards.
/// </summary>
internal sealed record ServiceResponse(int StatusCode, string ContentType, byte[] Body, string RequestId)
{
    public const string RequestIdHeader = "x-amzn-RequestId";

    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        response.Headers[RequestIdHeader] = RequestId;
        return response.Body.WriteAsync(Body, cancellationToken).AsTask();
    }
}
