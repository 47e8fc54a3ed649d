using Switchyard.SampleApp.Chat;
using Switchyard.SampleApp.Hosting;

namespace Switchyard.SampleApp;

/// <summary>
/// The chat web app, composed from every folder (its pages use <see cref="TopologyClients"/>), so it sits at the
/// root rather than in Hosting, which the pages depend on.
/// </summary>
public static class SampleAppExtensions
{
    /// <summary>The chat web app: Blazor Server, the Router's chat clients, and chat state in Redis.</summary>
    public static WebApplicationBuilder AddSampleApp(this WebApplicationBuilder builder)
    {
        builder.AddScenarioClients();
        builder.AddRedisClient("cache");
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddTransient(services => services.GetRequiredService<TopologyClients>().Router());
        builder.Services.AddSingleton<ChatStore>();
        builder.Services.AddTransient<AnswerStreamer>();
        return builder;
    }

    public static WebApplication MapSampleApp(this WebApplication app)
    {
        app.UseChatSessionCookie();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
        return app;
    }
}
