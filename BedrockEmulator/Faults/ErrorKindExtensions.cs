namespace Switchyard.BedrockEmulator.Faults;

internal static class ErrorKindExtensions
{
    /// <summary>The HTTP status Bedrock answers with.</summary>
    public static int StatusCode(this ErrorKind kind) => kind switch
    {
        ErrorKind.Validation or ErrorKind.IncompleteSignature => 400,
        ErrorKind.ResourceNotFound => 404,
        ErrorKind.MissingAuthenticationToken or ErrorKind.UnrecognizedClient or ErrorKind.InvalidSignature or ErrorKind.ExpiredToken => 403,
        ErrorKind.Throttling or ErrorKind.ModelNotReady => 429,
        ErrorKind.ServiceUnavailable => 503,
        ErrorKind.ModelStreamError => 424,
        _ => 500,
    };

    /// <summary>The error type in <c>x-amzn-ErrorType</c>, which the AWS SDKs map to exception classes.</summary>
    public static string BedrockErrorType(this ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => "ValidationException",
        ErrorKind.ResourceNotFound => "ResourceNotFoundException",
        ErrorKind.MissingAuthenticationToken => "MissingAuthenticationTokenException",
        ErrorKind.IncompleteSignature => "IncompleteSignatureException",
        ErrorKind.UnrecognizedClient => "UnrecognizedClientException",
        ErrorKind.InvalidSignature => "InvalidSignatureException",
        ErrorKind.ExpiredToken => "ExpiredTokenException",
        ErrorKind.Throttling => "ThrottlingException",
        ErrorKind.ModelNotReady => "ModelNotReadyException",
        ErrorKind.ServiceUnavailable => "ServiceUnavailableException",
        ErrorKind.ModelStreamError => "ModelStreamErrorException",
        _ => "InternalServerException",
    };

    /// <summary>The <c>:exception-type</c> of an in-stream exception frame (the ConverseStream output member name).</summary>
    public static string StreamExceptionType(this ErrorKind kind) => kind switch
    {
        ErrorKind.Throttling => "throttlingException",
        ErrorKind.ServiceUnavailable => "serviceUnavailableException",
        ErrorKind.ModelStreamError => "modelStreamErrorException",
        ErrorKind.Validation => "validationException",
        _ => "internalServerException",
    };

    /// <summary>The invocation log's outcome for a request that failed this way.</summary>
    public static string Outcome(this ErrorKind kind) => kind switch
    {
        ErrorKind.Validation or ErrorKind.ResourceNotFound => "invalid",
        ErrorKind.MissingAuthenticationToken or ErrorKind.IncompleteSignature or ErrorKind.UnrecognizedClient or ErrorKind.InvalidSignature or ErrorKind.ExpiredToken => "denied",
        ErrorKind.Throttling => "throttled",
        ErrorKind.ModelNotReady => "model-not-ready",
        ErrorKind.ServiceUnavailable => "unavailable",
        ErrorKind.ModelStreamError => "stream-cut",
        _ => "error",
    };
}
