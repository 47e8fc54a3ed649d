using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Switchyard.ServiceDefaults.Auth;

/// <summary>
/// Lets a request through to an /admin endpoint only with the admin key (<see cref="AdminKeyOptions"/>), sent as
/// "x-admin-key: &lt;key&gt;" or "Authorization: Bearer &lt;key&gt;" (scheme in any case). x-admin-key is read first:
/// a Router client's Authorization header may carry its tenant key. Anything else gets the service's own 401.
/// </summary>
public sealed class AdminKeyFilter : IEndpointFilter
{
    public const string HeaderName = "x-admin-key";

    /// <summary>What every service's 401 says, in its own error shape.</summary>
    public const string Requirement = $"A valid admin key is required: send it as '{HeaderName}: <key>' or 'Authorization: Bearer <key>'.";

    private const string BearerPrefix = "Bearer ";

    private readonly byte[] _expectedHash;
    private readonly Func<IResult> _unauthorized;

    public AdminKeyFilter(IOptions<AdminKeyOptions> options, Func<IResult> unauthorized)
    {
        _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));
        _unauthorized = unauthorized;
    }

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Matches(Presented(context.HttpContext.Request.Headers)) ? next(context) : ValueTask.FromResult<object?>(_unauthorized());

    private static string Presented(IHeaderDictionary headers) =>
        headers[HeaderName].ToString() is { Length: > 0 } key ? key.Trim()
        : headers.Authorization.ToString() is var authorization && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? authorization[BearerPrefix.Length..].Trim()
            : "";

    /// <summary>
    /// Compares hashes rather than the keys: FixedTimeEquals answers at once when the lengths differ, which
    /// would tell a caller the key's length; the hashes are always 32 bytes, so the time says nothing.
    /// </summary>
    private bool Matches(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(hash, _expectedHash);
    }
}
