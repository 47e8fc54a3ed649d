using StackExchange.Redis;
using Switchyard.Admission;

namespace Switchyard.Bench.BareForwarder;

public static class ForwarderServiceCollectionExtensions
{
    /// <summary>
    /// One pooled upstream connection handler (another HTTP/2 connection when one carries its 100 streams, as the
    /// Router's), no logging; telemetry and admission only when configured.
    /// </summary>
    public static IHostApplicationBuilder AddBareForwarder(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddOptions<ForwarderOptions>().BindConfiguration(ForwarderOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetValue<bool>($"{ForwarderOptions.SectionName}:{nameof(ForwarderOptions.Tracing)}"))
        {
            // The services' own OpenTelemetry setup (ServiceDefaults): the same instrumentation, sampling and export as the Router's.
            builder.ConfigureOpenTelemetry();
        }

        builder.Services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true }) { Timeout = Timeout.InfiniteTimeSpan });
        if (builder.Configuration.GetValue<bool>($"{ForwarderOptions.SectionName}:{nameof(ForwarderOptions.Admission)}"))
        {
            // As the Router connects: no per-command spans, fail fast while disconnected.
            builder.AddRedisClient("cache",
                configureSettings: settings => settings.DisableTracing = true,
                configureOptions: options => options.BacklogPolicy = BacklogPolicy.FailFast);
            builder.Services.AddTenantAdmission(builder.Configuration);
            // The floor of a gateway that asks the store for every request: no blocks (docs/quotas.md).
            builder.Services.Configure<AdmissionOptions>(options => options.BlockInterval = TimeSpan.Zero);
        }

        return builder;
    }
}
