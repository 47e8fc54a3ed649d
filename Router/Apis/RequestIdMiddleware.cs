using System.Diagnostics;

namespace Switchyard.Router.Apis;

/// <summary>
/// Every response carries <c>x-request-id</c>, errors included: the client's own when it sent a usable one
/// (1-128 characters of letters, digits and <c>-_.:</c>), otherwise a generated <c>req_…</c>. An unusable
/// one is replaced rather than refused: a correlation id must never fail a request, and echoing arbitrary
/// bytes into a header (or a log) is how header injection starts.
/// </summary>
public static class RequestIdMiddleware
{
    public const string HeaderName = "x-request-id";

    public const int MaxLength = 128;

    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var id = IsUsable(context.Request.Headers[HeaderName].ToString()) is { } sent ? sent : $"req_{ActivityTraceId.CreateRandom().ToHexString()}";
        context.TraceIdentifier = id;
        Activity.Current?.SetTag("switchyard.request_id", id);
        // Set when the headers go out, not now: the exception handler clears the headers of a failed response.
        context.Response.OnStarting(static state =>
        {
            var (http, value) = ((HttpContext, string))state;
            http.Response.Headers[HeaderName] = value;
            return Task.CompletedTask;
        }, (context, id));
        return next(context);
    });

    private static string? IsUsable(string value)
    {
        if (value.Length is 0 or > MaxLength)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                return null;
            }
        }

        return value;
    }
}
