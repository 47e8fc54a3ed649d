using System.Text.Json;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>An error in OpenAI's JSON shape, with the door-independent retry headers (<see cref="RetryHeaders"/>).</summary>
public sealed class OpenAIErrorResult(int statusCode, ErrorDetail error, TimeSpan? retryAfter = null) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => statusCode;

    public ErrorDetail Error => error;

    public static OpenAIErrorResult From(RoutingException exception) =>
        new(exception.StatusCode, new ErrorDetail { Message = exception.Message, Type = exception.ErrorType, Code = exception.Code, Param = exception.Param }, exception.RetryAfter);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        RetryHeaders.Write(httpContext, statusCode, retryAfter);
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, new ErrorResponse { Error = error }, OpenAIJsonContext.Default.ErrorResponse, httpContext.RequestAborted);
    }
}
