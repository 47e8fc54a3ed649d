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

    public IServiceProvider Services => _host.Services;

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

    /// <summary>
    /// Returns once every change notice this process has sent so far reached each of <paramref name="replicas"/>.
    /// Notices arrive asynchronously, through a Redis Cluster later still (its bus relays them between
    /// nodes, even one sent before a replica subscribed), and one arriving after a replica cached a key
    /// rightly evicts it. A marker sent afterwards from the same connection on the same channel arrives
    /// after them; its id names no tenant, so it evicts no key, and it is sent once for all replicas
    /// because it too clears their unknown keys.
    /// </summary>
    public async Task ChangesReachedAsync(params AdmissionClient[] replicas)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var subscriptions = new List<(ISubscriber Subscriber, Action<RedisChannel, RedisValue> Handler, Task Arrived)>();
        try
        {
            foreach (var replica in replicas)
            {
                var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Action<RedisChannel, RedisValue> handler = (_, id) =>
                {
                    if (id == marker)
                    {
                        arrived.TrySetResult();
                    }
                };
                var subscriber = replica.Redis.GetSubscriber();
                await subscriber.SubscribeAsync(TenantKeys.Changes, handler);
                subscriptions.Add((subscriber, handler, arrived.Task));
            }

            await Redis.GetSubscriber().PublishAsync(TenantKeys.Changes, marker);
            await Task.WhenAll(subscriptions.Select(s => s.Arrived)).WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var (subscriber, handler, _) in subscriptions)
            {
                await subscriber.UnsubscribeAsync(TenantKeys.Changes, handler);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        var redis = _host.Services.GetRequiredService<IConnectionMultiplexer>();
        _host.Dispose();
        await redis.DisposeAsync();
    }
}
