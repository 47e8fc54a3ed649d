using Microsoft.Extensions.Options;
using Switchyard.Admission;
using Switchyard.Router.Configuration;
using Switchyard.Router.Http;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.Bedrock;
using Switchyard.Router.Providers.OpenAICompatible;
using Switchyard.Router.Routing;
using Switchyard.Router.Routing.Strategies;
using Switchyard.Router.Telemetry;
using Switchyard.Router.Tenancy;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.Router;

public static partial class RouterServiceCollectionExtensions
{
    /// <summary>
    /// The shared store, providers, the routing table (validated at start, hot-reloaded), the router with
    /// its policies, tenancy, OpenAI-shaped answers for errors and rate limits, and the admin key.
    /// </summary>
    public static IHostApplicationBuilder AddSwitchyardRouter(this IHostApplicationBuilder builder)
    {
        // Fail fast rather than queue while disconnected: a timed-out admission or capacity check must
        // not reach Redis later and count twice.
        // Per-command Redis spans are off: one request makes two or three store calls, and tracing each
        // cost more CPU than the calls themselves (bench/); admission and capacity decisions are span events.
        builder.AddRedisClient("cache",
            configureSettings: settings => settings.DisableTracing = true,
            configureOptions: options => options.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<BedrockOptions>().BindConfiguration(BedrockOptions.SectionName);
        services.AddOptions<OpenAIProvidersOptions>().Configure<IConfiguration>((options, configuration) =>
            configuration.GetSection(OpenAIProvidersOptions.SectionName).Bind(options.Endpoints));

        // One connection pool for every provider call, with one span per attempt (no HTTP client span).
        services.AddSingleton<ProviderTransport>();
        services.AddSingleton<IProvider, BedrockProvider>();
        services.AddSingleton<IProvider, OpenAICompatibleProvider>();

        services.AddSingleton<SharedCircuitBreakers>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedCircuitBreakers>());
        services.AddRoutingTable();
        services.AddSingleton(sp => new CapacityLimiter(
            sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            sp.GetRequiredService<StoreGate>(),
            sp.GetRequiredService<ILogger<CapacityLimiter>>(),
            () => sp.GetRequiredService<RoutingTableProvider>().Current.Options.CapacityStoreTimeout));
        services.AddSingleton(sp => new RetryBudget(() => sp.GetRequiredService<RoutingTableProvider>().Current.Options.Retry, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new HedgeBudget(() => sp.GetRequiredService<RoutingTableProvider>().Current.Options.ResponseTime.Hedging, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ChatRouter>();
        services.AddTenantAdmission(builder.Configuration);
        services.AddOptions<TenancyOptions>().BindConfiguration(TenancyOptions.SectionName);
        services.AddSingleton<SigV4Authenticator>();
        services.AddSingleton<TenantGate>();
        services.AddHostedService<RouterStartup>();
        services.AddOptions<RateLimitResponseOptions>().BindConfiguration(RateLimitResponseOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitResponseOptions>, RateLimitResponseOptionsValidator>();
        services.AddImageUrlFetching();
        services.AddAdminKey(() => new OpenAIErrorResult(StatusCodes.Status401Unauthorized,
            new ErrorDetail { Message = AdminKeyFilter.Requirement, Type = "invalid_request_error", Code = "invalid_admin_key" }));
        return builder;
    }

    /// <summary>The routing options (validated at start and on every change) and the hot-reloaded table built from them.</summary>
    public static IServiceCollection AddRoutingTable(this IServiceCollection services)
    {
        // Bound without a change-token source on purpose: RoutingTableProvider handles reloads itself.
        services.AddOptions<RoutingOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(RoutingOptions.SectionName).Bind(options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingTableValidator>();
        services.AddRoutingStrategies();
        services.AddSingleton<RoutingTableProvider>();
        return services;
    }

    /// <summary>
    /// Builds the routing table eagerly (a bad table fails the start), warms the capacity store,
    /// exposes breaker states and the latency model as gauges and warns when tenancy is off.
    /// </summary>
    private sealed partial class RouterStartup(RoutingTableProvider tables, CapacityLimiter capacity, IOptions<TenancyOptions> tenancy, ILogger<RouterStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!tenancy.Value.Enabled)
            {
                TenancyOff(logger);
            }

            await capacity.WarmUpAsync(cancellationToken);
            RouterTelemetry.ObserveBreakers(() => tables.States.Select(s => KeyValuePair.Create(s.Key, s.Value.BreakerState switch
            {
                Polly.CircuitBreaker.CircuitState.Closed => 0,
                Polly.CircuitBreaker.CircuitState.HalfOpen => 1,
                _ => 2,
            })));
            RouterTelemetry.ObserveLatency(() => LatencyReadings(tables.States, tables.Current.Options));
        }

        private static IEnumerable<DeploymentLatencyReading> LatencyReadings(IEnumerable<KeyValuePair<string, DeploymentState>> states, RoutingOptions options)
        {
            return states.Select(s =>
            {
                var latency = s.Value.Latency;
                return new DeploymentLatencyReading(s.Key,
                    latency.TimeToFirstTokenMs.Quantile(0.5), latency.TimeToFirstTokenMs.Quantile(0.95), latency.TimeToFirstTokenMs.Quantile(0.99),
                    latency.FirstTokenDeadline(options.ResponseTime, options.Timeouts.Attempt));
            });
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "Tenancy is off (Tenancy:Enabled=false): requests need no API key and no tenant limits apply")]
        private static partial void TenancyOff(ILogger logger);
    }
}
