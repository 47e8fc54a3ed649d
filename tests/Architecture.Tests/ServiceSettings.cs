extern alias emulator;
extern alias quotas;
extern alias router;
extern alias sampleapp;
using Switchyard.Admission;
using Switchyard.ServiceDefaults.Auth;
using EmulatorOptions = emulator::Switchyard.BedrockEmulator.Configuration.EmulatorOptions;
using TenantSeeder = quotas::Switchyard.QuotaService.TenantSeeder;
using BedrockOptions = router::Switchyard.Router.Configuration.BedrockOptions;
using ImageUrlOptions = router::Switchyard.Router.OpenAI.ImageUrlOptions;
using OpenAIProvidersOptions = router::Switchyard.Router.Configuration.OpenAIProvidersOptions;
using RateLimitResponseOptions = router::Switchyard.Router.Http.RateLimitResponseOptions;
using RoutingOptions = router::Switchyard.Router.Configuration.RoutingOptions;
using TenancyOptions = router::Switchyard.Router.Tenancy.TenancyOptions;
using ServiceAddresses = sampleapp::Switchyard.SampleApp.Hosting.ServiceAddresses;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// What each service reads of its configuration: the sections it binds to options (kept in step with the
/// services' AddOptions/BindConfiguration calls) and the sections it or its framework reads through IConfiguration.
/// </summary>
internal sealed record ServiceSettings(string Folder, IReadOnlyList<SectionBinding> Options, IReadOnlyList<string> ReadDirectly)
{
    /// <summary>Read by every host: the logging providers' levels and filters.</summary>
    private static readonly string[] Host = ["Logging"];

    /// <summary>
    /// Read by every web service besides: the host filtering middleware (AllowedHosts), Kestrel's endpoints
    /// and limits (Kestrel) and ServiceDefaults' switch for the OTLP exporter.
    /// </summary>
    private static readonly string[] WebService = [.. Host, "AllowedHosts", "Kestrel", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    /// <summary>Read by a service that calls AddRedisClient("cache"): Aspire:StackExchange:Redis and ConnectionStrings:cache.</summary>
    private static readonly string[] RedisClient = ["ConnectionStrings", "Aspire"];

    // Every service that has an appsettings file; the tests fail on a settings file of a folder not listed here.
    public static readonly ServiceSettings[] All =
    [
        new("Router",
            [
                new(RoutingOptions.SectionName, typeof(RoutingOptions)),
                new(BedrockOptions.SectionName, typeof(BedrockOptions)),
                // Bound into the options' dictionary of providers, not onto the options type itself.
                new(OpenAIProvidersOptions.SectionName, typeof(OpenAIProvidersOptions).GetProperty(nameof(OpenAIProvidersOptions.Endpoints))!.PropertyType),
                new(ImageUrlOptions.SectionName, typeof(ImageUrlOptions)),
                new(TenancyOptions.SectionName, typeof(TenancyOptions)),
                new(RateLimitResponseOptions.SectionName, typeof(RateLimitResponseOptions)),
                new(AdmissionOptions.SectionName, typeof(AdmissionOptions)),
                new(AdminKeyOptions.SectionName, typeof(AdminKeyOptions)),
            ],
            [.. WebService, .. RedisClient]),
        new("QuotaService",
            [
                new(AdmissionOptions.SectionName, typeof(AdmissionOptions)),
                new(AdminKeyOptions.SectionName, typeof(AdminKeyOptions)),
                // TenantSeeder binds each seed tenant to a TenantDefinition and reads its "Keys" by name.
                new(TenantSeeder.SectionName + ":*", typeof(TenantDefinition)),
            ],
            [.. WebService, .. RedisClient, TenantSeeder.SectionName + ":*:Keys"]),
        new("BedrockEmulator",
            [new(EmulatorOptions.SectionName, typeof(EmulatorOptions))],
            // Kestrel is in WebService: the emulator's EndpointMap also reads Kestrel:Endpoints:*:Url.
            WebService),
        new("SampleApp",
            [new(ServiceAddresses.SectionName, typeof(ServiceAddresses))],
            // LocalTopologyDefaults and SampleAppServices read these three by name.
            [.. WebService, .. RedisClient, "Quotas:AdminKey", "Parameters:quota-admin-key", "Dashboard:Url"]),
        new("AppHost",
            [],
            // WithEmulatorAccounts passes every setting of Emulator:Accounts on to the emulator and the Router,
            // Aspire reads its parameters from Parameters, and CacheHosting its override from SWITCHYARD_CACHE.
            [.. Host, "Emulator:Accounts", "Parameters", "SWITCHYARD_CACHE"]),
    ];

    public override string ToString() => Folder;
}
