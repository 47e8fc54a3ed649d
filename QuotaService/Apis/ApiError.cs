using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchyard.QuotaService.Apis;

/// <summary>The JSON error body of every API here (OpenAI's shape).</summary>
public sealed record ApiError(ApiErrorDetail Error)
{
    public static JsonHttpResult<ApiError> Result(int status, string type, string message) =>
        TypedResults.Json(new ApiError(new ApiErrorDetail(message, type)), QuotaJsonContext.Default.ApiError, statusCode: status);

    public static JsonHttpResult<ApiError> NotFound(string what) => Result(StatusCodes.Status404NotFound, "not_found", $"{what} not found.");

    public static JsonHttpResult<ApiError> Invalid(IEnumerable<string> errors) =>
        Result(StatusCodes.Status400BadRequest, "invalid_request_error", string.Join(" ", errors));
}
