using Switchyard.BedrockEmulator.Faults;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>Errors as the AWS SDKs parse them: status, <c>x-amzn-ErrorType</c> and a JSON body with <c>message</c>.</summary>
internal static class BedrockErrorWriter
{
    public const string RequestIdHeader = "x-amzn-RequestId";
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    public static Task WriteAsync(HttpContext context, string requestId, in EmulatorError error) =>
        WriteAsync(context, requestId, error.Kind.StatusCode(), error.Kind.BedrockErrorType(), error.Message);

    public static Task WriteAsync(HttpContext context, string requestId, int statusCode, string errorType, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers[RequestIdHeader] = requestId;
        response.Headers[ErrorTypeHeader] = errorType;
        return response.WriteAsJsonAsync(new BedrockErrorBody(message), BedrockJsonContext.Default.BedrockErrorBody, "application/json");
    }
}
