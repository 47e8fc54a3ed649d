using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Switchyard.QuotaService.Apis;

/// <summary>Admin endpoints need the admin key, as "Authorization: Bearer &lt;key&gt;" or "x-admin-key: &lt;key&gt;".</summary>
public sealed class AdminKeyFilter(IOptions<QuotasOptions> options) : IEndpointFilter
{
    public const string HeaderName = "x-admin-key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Request.Headers;
        var presented = headers[HeaderName].ToString() is { Length: > 0 } header
            ? header
            : headers.Authorization.ToString() is var authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? authorization["Bearer ".Length..].Trim()
                : "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(options.Value.AdminKey))
            ? next(context)
            : ValueTask.FromResult<object?>(ApiError.Result(StatusCodes.Status401Unauthorized, "authentication_error",
                $"A valid admin key is required (Authorization: Bearer or {HeaderName})."));
    }
}
