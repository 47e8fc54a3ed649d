using Microsoft.Extensions.Options;

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
}
