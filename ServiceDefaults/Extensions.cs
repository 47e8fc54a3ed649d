using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire service defaults: OpenTelemetry, health checks and service discovery.
/// Deliberately no standard resilience handler on every HttpClient: the Router owns the resilience
/// of calls to model providers, and a blanket 10 s attempt timeout would cut long generations.
/// </summary>
public static class Extensions
{
    /// <summary>Prefix of every ActivitySource and Meter that Switchyard's services define.</summary>
    public const string TelemetryPrefix = "Switchyard.";

    /// <summary>Series kept per metric: see <see cref="ConfigureOpenTelemetry{TBuilder}"/>.</summary>
    private const int MetricCardinalityLimit = 500;

    private const string GenAIOperation = "gen_ai.operation.name";
    private const string GenAIRequestModel = "gen_ai.request.model";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryPrefix + "*")
                // Every metric stream allocates its cardinality limit in points up front: OpenTelemetry's default
                // of 2,000 cost the Router 8 MB (bench/, scale scenario). Switchyard's series are at most
                // deployments x outcomes; a series past the limit is counted in the overflow series
                // (otel.metric.overflow=true), not lost.
                .AddView(static _ => new MetricStreamConfiguration { CardinalityLimit = MetricCardinalityLimit }))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation(aspnet =>
                {
                    // Health probes run every few seconds; tracing them buries the routing decisions.
                    aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                    // A request served as a GenAI operation (the Router's chat requests put the GenAI attributes on
                    // their server span) is named as the GenAI conventions name it, "chat <model>", not by its route.
                    // This runs after the instrumentation named the span from the route, when the request is over.
                    aspnet.EnrichWithHttpResponse = static (activity, _) =>
                    {
                        if (activity.GetTagItem(GenAIOperation) is string operation && activity.GetTagItem(GenAIRequestModel) is string model)
                        {
                            activity.DisplayName = $"{operation} {model}";
                        }
                    };
                })
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Health endpoints are always mapped: the AppHost's health checks and a deployment's
        // probes both need them. They reveal no data beyond Healthy/Unhealthy.
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        });
        return app;
    }
}
