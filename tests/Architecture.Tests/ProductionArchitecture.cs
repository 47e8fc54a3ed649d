extern alias emulator;
extern alias quotas;
extern alias router;
extern alias sampleapp;
using System.Reflection;
using ArchUnitNET.Loader;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// The production assemblies whose layering the rules check, loaded once for every test (ArchUnitNET
/// reads them with Mono.Cecil, which takes a few seconds). Each is named through one of its types, so a
/// renamed or removed project breaks the build here rather than silently leaving the rules with less to check.
/// </summary>
internal static class ProductionArchitecture
{
    public static readonly Assembly Admission = typeof(Switchyard.Admission.TenantStore).Assembly;
    public static readonly Assembly ServiceDefaults = typeof(Switchyard.ServiceDefaults.Auth.SigV4Canonical).Assembly;
    public static readonly Assembly Router = typeof(router::Switchyard.Router.RouterServiceCollectionExtensions).Assembly;
    public static readonly Assembly QuotaService = typeof(quotas::Switchyard.QuotaService.QuotaServiceExtensions).Assembly;
    public static readonly Assembly BedrockEmulator = typeof(emulator::Switchyard.BedrockEmulator.EmulatorServiceCollectionExtensions).Assembly;
    public static readonly Assembly SampleApp = typeof(sampleapp::Switchyard.SampleApp.Chat.ChatStore).Assembly;

    public static readonly Assembly[] All = [Admission, ServiceDefaults, Router, QuotaService, BedrockEmulator, SampleApp];

    /// <summary>The namespace each production assembly's folders sit below (<see cref="NamespaceCycleTests"/> checks them).</summary>
    public static readonly string[] RootNamespaces =
    [
        "Switchyard.Admission", "Switchyard.ServiceDefaults", "Switchyard.Router", "Switchyard.QuotaService",
        "Switchyard.BedrockEmulator", "Switchyard.SampleApp",
    ];

    /// <summary>The services: assemblies a library must never reference.</summary>
    public static readonly Assembly[] Services = [Router, QuotaService, BedrockEmulator, SampleApp];

    public static readonly ArchUnitNET.Domain.Architecture Architecture = new ArchLoader().LoadAssemblies(All).Build();
}
