using Microsoft.Extensions.Configuration.Memory;

namespace Switchyard.SampleApp.Hosting;

/// <summary>
/// Service-discovery entries for the ports <c>dotnet run --project AppHost</c> uses, added as the lowest-priority
/// configuration source: under Aspire the AppHost's <c>services__*</c> variables win; outside it (the scenario
/// command against a running topology) these make <c>http://router</c> and friends resolve.
/// The admin key falls back to the AppHost's user secret, where Aspire keeps the generated parameter.
/// </summary>
public static class LocalTopologyDefaults
{
    private const string AppHostUserSecretsId = "switchyard-apphost";

    public static readonly IReadOnlyDictionary<string, string?> Entries = new Dictionary<string, string?>
    {
        ["services:router:http:0"] = "http://localhost:4000",
        ["services:bedrock:admin:0"] = "http://localhost:4100",
        ["services:quotas:http:0"] = "http://localhost:4200",
    };

    public static void AddLocalTopologyDefaults(this IConfigurationManager configuration)
    {
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Entries });
        configuration.AddUserSecrets(AppHostUserSecretsId, reloadOnChange: false);
    }

    /// <summary>The admin key for the Router's, the emulator's and the QuotaService's admin APIs, when configured.</summary>
    public static string? AdminKey(this IConfiguration configuration) =>
        configuration["Quotas:AdminKey"] is { Length: > 0 } key ? key : configuration["Parameters:quota-admin-key"];
}
