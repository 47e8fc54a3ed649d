using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Switchyard.Admission;

namespace Switchyard.QuotaService.Tests;

/// <summary>One Router-side process as far as admission goes: its own connection, caches and fallback limiter.</summary>
public sealed class AdmissionClient : IAsyncDisposable
{
    private readonly IHost _host;

    private AdmissionClient(IHost host)
    {
        _host = host;
        Admission = host.Services.GetRequiredService<ITenantAdmission>();
        Store = host.Services.GetRequiredService<TenantStore>();
        Redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
    }

    public ITenantAdmission Admission { get; }

    public TenantStore Store { get; }

    /// <summary>This process's connection (through the proxy, when it uses one).</summary>
    public IConnectionMultiplexer Redis { get; }

    public static async Task<AdmissionClient> StartAsync(string connectionString, Action<AdmissionOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new LinearRetry(100);
        options.ConnectTimeout = 1000;
        // As recommended for admission: a command that cannot be sent now fails now, instead of
        // landing after its caller has already decided locally.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddTenantAdmission(builder.Configuration);
        builder.Services.Configure<AdmissionOptions>(o =>
        {
            // Generous for a busy CI machine; the outage tests set their own.
            o.StoreTimeout = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            await redis.DisposeAsync();
            throw;
        }

        return new AdmissionClient(host);
    }

    /// <summary>Creates a tenant with a fresh id and one known key.</summary>
    public async Task<(TenantDefinition Tenant, string ApiKey)> CreateTenantAsync(TenantLimits limits, params string[] allowedModelGroups)
    {
        var tenant = new TenantDefinition { Id = "t-" + Guid.NewGuid().ToString("N")[..12], Limits = limits, AllowedModelGroups = allowedModelGroups };
        var apiKey = ApiKeys.Generate();
        await Store.UpsertAsync(tenant, [apiKey]);
        return (tenant, apiKey);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        var redis = _host.Services.GetRequiredService<IConnectionMultiplexer>();
        _host.Dispose();
        await redis.DisposeAsync();
    }
}
