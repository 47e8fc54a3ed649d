using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// Settles and releases store leases: settlements in batches (<see cref="SettlementBatcher"/>), releases one
/// script call each. One the store does not answer (an outage) is kept and sent again once it answers
/// (<see cref="RetryAsync"/>, run by the reconciler's probe and on the gate's recovery): otherwise a lease
/// finished during an outage would stay open, holding a concurrency slot and counted at its reservation,
/// until it expires. Sending again is safe, as the store applies each finish once. At most
/// <see cref="MaxKept"/> wait; past that, and at shutdown, they are dropped (counted as lost updates), as are
/// all of them where the callers retry themselves (<see cref="AdmissionOptions.ResendUnansweredFinishes"/>).
/// </summary>
internal sealed partial class LeaseFinisher(
    IConnectionMultiplexer redis,
    SettlementBatcher settlements,
    StoreGate gate,
    AdmissionTelemetry telemetry,
    TimeProvider clock,
    IOptionsMonitor<AdmissionOptions> options,
    ILogger<LeaseFinisher> logger)
{
    /// <summary>How many unanswered finishes are kept for a retry: an outage of minutes at thousands of requests a second.</summary>
    public const int MaxKept = 100_000;

    // Bounds one retry round; the store's settlement batches group them further.
    private const int RetryRound = 1_000;

    // Names this caller in the store gate's log.
    private const string Caller = "admission";

    private readonly ConcurrentQueue<LeaseFinish> _kept = new();
    private int _keptCount;

    /// <summary>
    /// Sends the finish: the store's outcome (1 applied, 0 unknown lease, 2 already finished, -1 refused), or not
    /// answered, in which case it is kept and sent again when the store answers
    /// (unless <see cref="AdmissionOptions.ResendUnansweredFinishes"/> leaves that to the caller).
    /// </summary>
    public async Task<StoreAnswer<long>> FinishAsync(LeaseFinish finish, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(finish, cancellationToken);
        if (answer.Answered)
        {
            return answer;
        }

        if (options.CurrentValue.ResendUnansweredFinishes)
        {
            Keep(finish);
        }
        else
        {
            telemetry.LostUpdate(finish.Operation);
        }

        return answer;
    }

    /// <summary>
    /// Sends what was kept again, a round at a time, until the store stops answering or nothing is left. The first
    /// of each round goes alone: while the store is down it is the gate's probe when one is due, and skipped otherwise.
    /// </summary>
    public async Task RetryAsync()
    {
        while (Volatile.Read(ref _keptCount) > 0)
        {
            var round = new List<LeaseFinish>();
            while (round.Count < RetryRound && _kept.TryDequeue(out var finish))
            {
                Interlocked.Decrement(ref _keptCount);
                round.Add(finish);
            }

            if (round.Count == 0)
            {
                return;
            }

            if (!(await SendAsync(round[0], CancellationToken.None)).Answered)
            {
                // The store is still down (or its probe is not due): the round waits for the next retry.
                round.ForEach(Keep);
                return;
            }

            var rest = await Task.WhenAll(round.Skip(1).Select(finish => SendAsync(finish, CancellationToken.None)));
            var unanswered = 0;
            for (var i = 0; i < rest.Length; i++)
            {
                if (!rest[i].Answered)
                {
                    Keep(round[i + 1]);
                    unanswered++;
                }
            }

            LogRetried(logger, round.Count - unanswered, round.Count);
            if (unanswered > 0)
            {
                return;
            }
        }
    }

    /// <summary>Drops what is still kept (shutdown): those leases expire by themselves.</summary>
    public void DropAll()
    {
        var dropped = 0;
        while (_kept.TryDequeue(out var finish))
        {
            Interlocked.Decrement(ref _keptCount);
            telemetry.LostUpdate(finish.Operation);
            dropped++;
        }

        if (dropped > 0)
        {
            LogDropped(logger, dropped);
        }
    }

    private Task<StoreAnswer<long>> SendAsync(LeaseFinish finish, CancellationToken cancellationToken)
    {
        var keys = finish.Keys;
        if (finish.Release)
        {
            return ReleaseAsync(keys, finish.LeaseId, cancellationToken);
        }

        var (day, month, previousDay) = keys.CalendarFor(clock.GetUtcNow());
        return settlements.SettleAsync(keys, day, previousDay, month, finish.LeaseId, finish.ActualTokens, finish.CostMicroUsd).WaitAsync(cancellationToken);
    }

    private async Task<StoreAnswer<long>> ReleaseAsync(TenantKeySet keys, string leaseId, CancellationToken cancellationToken)
    {
        var answer = await gate.TryAsync(
            Caller, () => redis.GetDatabase().ScriptEvaluateAsync(AdmissionScripts.Release, [keys.Leases, keys.Lease(leaseId)], [leaseId]), cancellationToken);
        return new(answer.Answered, answer.Attempted, answer.Answered ? (long)answer.Result! : 0);
    }

    private void Keep(LeaseFinish finish)
    {
        if (Interlocked.Increment(ref _keptCount) > MaxKept)
        {
            Interlocked.Decrement(ref _keptCount);
            telemetry.LostUpdate(finish.Operation);
            return;
        }

        _kept.Enqueue(finish);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Answered} of {Count} settlements and releases again that the store had not answered")]
    private static partial void LogRetried(ILogger logger, int answered, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} settlements and releases the store never answered were dropped at shutdown; their leases expire by themselves")]
    private static partial void LogDropped(ILogger logger, int count);
}
