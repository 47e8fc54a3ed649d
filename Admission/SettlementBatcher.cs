using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Sends a tenant's settlements to the store in batches: those that arrive within
/// <see cref="AdmissionOptions.SettlementBatchWindow"/> of the first go as one <see cref="AdmissionScripts.Settle"/>
/// call, applied in arrival order, each answered with its own outcome. A settlement is a round trip per request
/// that nobody waits for (the response has gone out); batched, a tenant sending 1,000 requests a second costs
/// the store one call per window instead of a thousand. The cost is that a reservation counts, as reserved
/// (never less than used), for up to one window longer, which errs on the tenant's side of no limit.
/// Batches are per tenant and calendar day (one Cluster slot, one set of day keys) and hold at most
/// <see cref="MaxBatch"/> leases, so a script's KEYS stay small.
/// </summary>
internal sealed class SettlementBatcher(IConnectionMultiplexer redis, StoreGate gate, AdmissionTelemetry telemetry, TimeProvider clock, IOptionsMonitor<AdmissionOptions> options)
{
    public const int MaxBatch = 100;

    // Names this caller in the store gate's log.
    private const string Caller = "settlement";

    // Open batches by day key (which names the tenant and the day); a batch leaves the map when it is sent.
    private readonly ConcurrentDictionary<string, Batch> _open = new(StringComparer.Ordinal);

    /// <summary>The store's outcome for one lease (1 settled, 0 unknown, 2 already finished, -1 refused), or not answered.</summary>
    public Task<StoreAnswer<long>> SettleAsync(TenantKeySet keys, RedisKey day, RedisKey previousDay, RedisKey month, string leaseId, long actualTokens, long costMicroUsd)
    {
        var item = new Item(keys.Lease(leaseId), leaseId, actualTokens, costMicroUsd);
        var window = options.CurrentValue.SettlementBatchWindow;
        if (window <= TimeSpan.Zero)
        {
            _ = SendAsync(new Batch(keys, day, previousDay, month, [item]));
            return item.Answer.Task;
        }

        var dayKey = (string)day!;
        while (true)
        {
            var batch = _open.GetOrAdd(dayKey, static (_, open) => new Batch(open.keys, open.day, open.previousDay, open.month, []), (keys, day, previousDay, month));
            bool first, full;
            lock (batch)
            {
                if (batch.Sent)
                {
                    // Sent between the lookup and the lock: the next settlement starts a new batch.
                    continue;
                }

                batch.Items.Add(item);
                first = batch.Items.Count == 1;
                full = batch.Items.Count >= MaxBatch;
            }

            if (full)
            {
                _ = TakeAndSendAsync(dayKey, batch);
            }
            else if (first)
            {
                _ = SendAfterAsync(dayKey, batch, window);
            }

            return item.Answer.Task;
        }
    }

    private async Task SendAfterAsync(string dayKey, Batch batch, TimeSpan window)
    {
        await Task.Delay(window, clock);
        await TakeAndSendAsync(dayKey, batch);
    }

    /// <summary>Closes the batch (whoever closes it first sends it) and sends it.</summary>
    private Task TakeAndSendAsync(string dayKey, Batch batch)
    {
        lock (batch)
        {
            if (batch.Sent)
            {
                return Task.CompletedTask;
            }

            batch.Sent = true;
        }

        _open.TryRemove(new KeyValuePair<string, Batch>(dayKey, batch));
        return SendAsync(batch);
    }

    private async Task SendAsync(Batch batch)
    {
        var items = batch.Items;
        try
        {
            RedisKey[] keys = [batch.Keys.Tokens, batch.Keys.Leases, batch.Day, batch.PreviousDay, batch.Month, batch.Keys.Epoch, .. items.Select(item => item.Record)];
            var args = new RedisValue[1 + 3 * items.Count];
            args[0] = items.Count;
            for (var i = 0; i < items.Count; i++)
            {
                (args[3 * i + 1], args[3 * i + 2], args[3 * i + 3]) = (items[i].LeaseId, items[i].ActualTokens, items[i].CostMicroUsd);
            }

            telemetry.SettlementBatch(items.Count);
            var answer = await gate.TryAsync(Caller, () => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Settle, keys, args), CancellationToken.None);
            if (!answer.Answered)
            {
                foreach (var item in items)
                {
                    item.Answer.TrySetResult(new(Answered: false, answer.Attempted, 0));
                }

                return;
            }

            var outcomes = (long[])answer.Result!;
            if (outcomes.Length != items.Count)
            {
                throw new InvalidOperationException($"The quota store answered {outcomes.Length} outcomes for a batch of {items.Count} settlements.");
            }

            for (var i = 0; i < items.Count; i++)
            {
                items[i].Answer.TrySetResult(new(Answered: true, Attempted: true, outcomes[i]));
            }
        }
        catch (Exception e)
        {
            // Not a store failure (the gate answers those): each settlement's caller sees what went wrong.
            foreach (var item in items)
            {
                item.Answer.TrySetException(e);
            }
        }
    }

    private sealed record Item(RedisKey Record, string LeaseId, long ActualTokens, long CostMicroUsd)
    {
        public TaskCompletionSource<StoreAnswer<long>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Batch(TenantKeySet keys, RedisKey day, RedisKey previousDay, RedisKey month, List<Item> items)
    {
        public TenantKeySet Keys { get; } = keys;

        public RedisKey Day { get; } = day;

        public RedisKey PreviousDay { get; } = previousDay;

        public RedisKey Month { get; } = month;

        public List<Item> Items { get; } = items;

        // Guarded by the batch's lock.
        public bool Sent { get; set; }
    }
}
