using System.Globalization;
using System.Text.Json;
using Switchyard.Router.Providers.Bedrock;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>An error as the AWS SDKs parse Bedrock's: status, <c>x-amzn-ErrorType</c>, <c>{"message"}</c>, and Retry-After when the client should come back later.</summary>
internal sealed class BedrockErrorResult(BedrockError error, TimeSpan? retryAfter = null) : IResult, IStatusCodeHttpResult
{
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    public int? StatusCode => error.StatusCode;

    public static BedrockErrorResult From(RoutingException exception) => new(BedrockError.From(exception), exception.RetryAfter);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = error.StatusCode;
        response.Headers[ErrorTypeHeader] = error.ErrorType;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, new AwsErrorBody { Message = error.Message }, ConverseJsonContext.Default.AwsErrorBody, httpContext.RequestAborted);
    }
}
