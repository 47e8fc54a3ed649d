using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Subscribes to tenant changes, starts the reconciliation of local admissions, and loads the scripts
/// at start, so the first admissions pay neither
/// for the script load nor for a cold connection. A store that is down at start is not fatal: the
/// fallback serves, and the subscription is made when the connection comes back.
/// </summary>
internal sealed partial class AdmissionStartup(IConnectionMultiplexer redis, TenantDirectory directory, LocalAdmissionReconciler reconciler, AdmissionBlocks blocks, ILogger<AdmissionStartup> logger) : IHostedService
{
    private int _subscribed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        reconciler.Start();
        // Compiles the record parser now rather than within the first key lookup's store timeout.
        TenantRecordJson.Parse(TenantRecordJson.Serialize(new TenantRecord(new TenantDefinition { Id = "warm-up" }, [])), "warm-up");
        await TryConnectAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        // What was admitted from blocks and by the fallback reaches the store, and the blocks go back, before the connection closes.
        await blocks.ReturnAllAsync(cancellationToken);
        await reconciler.StopAsync(cancellationToken);
        if (Volatile.Read(ref _subscribed) == 0)
        {
            return;
        }

        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(TenantKeys.Changes);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Best effort: the connection closes with the host anyway, and what is hooked into it (the
            // Redis instrumentation's profiling session) may already be disposed when hosts stop together.
            LogUnsubscribeFailed(logger, e);
        }
    }

    private async Task TryConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Interlocked.CompareExchange(ref _subscribed, 1, 0) == 0)
            {
                await redis.GetSubscriber().SubscribeAsync(TenantKeys.Changes, (_, tenantId) => directory.Invalidate((string)tenantId!))
                    .WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }

            await StoreScripts.LoadAsync(redis, AdmissionScripts.All, cancellationToken);
        }
        catch (Exception e) when (StoreGate.IsStoreFailure(e))
        {
            Volatile.Write(ref _subscribed, 0);
            LogUnreachable(logger, e);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Changes published while disconnected were missed: refresh everything cached on next use.
        directory.ExpireAll();
        _ = TryConnectAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unsubscribing from tenant changes at shutdown failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quota store not reachable at start; admissions use local limits until it is")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}
