using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchyard.BedrockEmulator.Admin;
using Switchyard.BedrockEmulator.Apis;
using Switchyard.BedrockEmulator.Auth;
using Switchyard.BedrockEmulator.Bedrock;
using Switchyard.BedrockEmulator.Bedrock.Invoke;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Hosting;
using Switchyard.BedrockEmulator.Inference;
using Switchyard.BedrockEmulator.Invocations;
using Switchyard.BedrockEmulator.Logs;
using Switchyard.BedrockEmulator.OpenAI;
using Switchyard.BedrockEmulator.Quotas;
using Switchyard.BedrockEmulator.Sts;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator;

public static class EmulatorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the emulated world (accounts, Regions, quotas, faults, invocation log) and the API handlers,
    /// and lets the Region endpoints speak HTTP/2 without TLS as well as HTTP/1.1.
    /// </summary>
    public static WebApplicationBuilder AddBedrockEmulator(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EmulatorOptions>().BindConfiguration(EmulatorOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EmulatorSettings>();
        services.AddSingleton<EndpointMap>();
        services.AddSingleton<AccountRegistry>();
        services.AddSingleton<QuotaLimiter>();
        services.AddSingleton<FaultRegistry>();
        services.AddSingleton<InvocationLog>();
        services.AddSingleton<CrossRegionRouter>();
        services.AddSingleton<InvocationPipeline>();
        services.AddSingleton<LatencyModel>();
        services.AddSingleton<SessionCredentialRegistry>();
        services.AddSingleton<SigV4Verifier>();
        services.AddSingleton<BedrockOperationRunner>();
        services.AddSingleton<BedrockEventStreamer>();
        services.AddSingleton<StsHandler>();
        services.AddSingleton<InsightsQueryStore>();
        services.AddSingleton<LogsHandler>();
        services.AddSingleton<ConverseHandler>();
        services.AddSingleton<InvokeModelHandler>();
        services.AddSingleton<ChatCompletionsHandler>();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJsonContext.Default));
        builder.ServeH2cOnRegionEndpoints();
        return builder;
    }

    /// <summary>Maps the Bedrock Runtime, STS and CloudWatch Logs APIs (Region endpoints), the OpenAI-compatible API and the admin API.</summary>
    public static WebApplication MapBedrockEmulator(this WebApplication app)
    {
        app.MapBedrockRuntimeApi();
        app.MapAwsServicesApi();
        app.MapOpenAIApi();
        app.MapAdminApi();
        return app;
    }
}
