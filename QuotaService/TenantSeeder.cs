using Switchyard.Admission;

namespace Switchyard.QuotaService;

/// <summary>
/// Upserts the tenants of "Quotas:SeedTenants" at start. The base configuration has none: the AppHost
/// passes the reference scenario's demo tenants in run mode only (AppHost/demo-tenants.json).
/// Each entry is a tenant definition plus "Keys", plain-text API keys that are hashed before storing.
/// Idempotent, so every replica may run it.
/// </summary>
public sealed partial class TenantSeeder(IConfiguration configuration, TenantStore store, ILogger<TenantSeeder> logger) : IHostedService
{
    public const string SectionName = "Quotas:SeedTenants";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in configuration.GetSection(SectionName).GetChildren())
        {
            var definition = entry.Get<TenantDefinition>() ?? throw new InvalidOperationException($"Seed tenant {entry.Path} is empty.");
            // UpsertAsync refuses an invalid definition, which fails the start.
            await store.UpsertAsync(definition, entry.GetSection("Keys").Get<string[]>() ?? []).WaitAsync(cancellationToken);
            Seeded(logger, definition.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded tenant {TenantId}")]
    private static partial void Seeded(ILogger logger, string tenantId);
}
