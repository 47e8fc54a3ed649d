namespace Switchyard.SampleApp.Chat;

/// <summary>
/// Gives each browser a session id in a cookie. Blazor's circuit has no HTTP response to set a cookie on,
/// so this runs on the page request and the id reaches the components as a root parameter.
/// </summary>
public static class ChatSessionCookie
{
    public const string Name = "switchyard-chat-session";

    public static IApplicationBuilder UseChatSessionCookie(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!context.Request.Cookies.TryGetValue(Name, out var id) || !IsValid(id))
            {
                id = Guid.NewGuid().ToString("N");
                context.Response.Cookies.Append(Name, id, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    IsEssential = true,
                    MaxAge = TimeSpan.FromDays(1),
                });
            }

            context.Items[Name] = id;
            return next(context);
        });

    /// <summary>The session id of the current request, as set or confirmed by the middleware.</summary>
    public static string Of(HttpContext context) => (string)context.Items[Name]!;

    private static bool IsValid(string? id) => Guid.TryParseExact(id, "N", out _);
}
