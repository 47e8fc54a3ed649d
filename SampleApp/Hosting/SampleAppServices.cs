using Microsoft.Extensions.Options;
using Switchyard.SampleApp.Chat;

namespace Switchyard.SampleApp.Hosting;

public static class SampleAppServices
{
    /// <summary>
    /// The HttpClient for the Router and the admin APIs: service discovery (from the service defaults) and
    /// no resilience handler, because the Router owns resilience and a 10 s attempt timeout would cut streams.
    /// </summary>
    public const string HttpClientName = "switchyard";

    /// <summary>What both the web app and the scenario command need: addresses, clients and the scenario environment.</summary>
    public static IHostApplicationBuilder AddScenarioClients(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddLocalTopologyDefaults();
        builder.Services.AddOptions<ServiceAddresses>().BindConfiguration(ServiceAddresses.SectionName)
            .Configure<IConfiguration>((addresses, configuration) =>
            {
                if (configuration["Dashboard:Url"] is { Length: > 0 } dashboard)
                {
                    addresses.Dashboard = new Uri(dashboard);
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServiceAddresses>, ServiceAddressesValidator>();
        builder.Services.AddHttpClient(HttpClientName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TopologyClients>();
        return builder;
    }

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
