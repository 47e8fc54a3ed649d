using Switchyard.BedrockEmulator.Faults;

namespace Switchyard.BedrockEmulator.OpenAI;

/// <summary>Errors in OpenAI's shape: <c>{"error":{"message","type","code"}}</c> with OpenAI's status codes.</summary>
internal static class OpenAIErrors
{
    public static readonly EmulatorError IncorrectApiKey = new(ErrorKind.UnrecognizedClient, "Incorrect API key provided.");

    public static (int Status, string Type, string? Code) Describe(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => (400, "invalid_request_error", null),
        ErrorKind.ResourceNotFound => (404, "invalid_request_error", "model_not_found"),
        ErrorKind.MissingAuthenticationToken or ErrorKind.IncompleteSignature or ErrorKind.UnrecognizedClient or ErrorKind.InvalidSignature
            => (401, "invalid_request_error", "invalid_api_key"),
        ErrorKind.Throttling => (429, "requests", "rate_limit_exceeded"),
        ErrorKind.ModelNotReady => (503, "server_error", "model_not_ready"),
        ErrorKind.ServiceUnavailable => (503, "server_error", "service_unavailable"),
        _ => (500, "server_error", null),
    };

    public static OpenAIErrorBody Body(in EmulatorError error)
    {
        var (_, type, code) = Describe(error.Kind);
        return new OpenAIErrorBody(new OpenAIError(error.Message, type, code));
    }

    public static Task WriteAsync(HttpContext context, in EmulatorError error)
    {
        context.Response.StatusCode = Describe(error.Kind).Status;
        return context.Response.WriteAsJsonAsync(Body(error), OpenAIJsonContext.Default.OpenAIErrorBody, "application/json");
    }
}
