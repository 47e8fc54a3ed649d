using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Routing;

/// <summary>
/// Where one request's routing stands between attempts (<see cref="ChatRouter"/>'s loop): the group it is in
/// along the requested group's fallback chain, the deployments that failed there, the attempts made and the
/// retry paid for, the last failure and when capacity frees up.
/// </summary>
internal sealed class RouteState(ModelGroup requested)
{
    private int _nextFallback;
    private int _retryRound;

    /// <summary>The group the client asked for: its fallback chain is the one followed, whichever group serves.</summary>
    public ModelGroup Requested { get; } = requested;

    public ModelGroup Current { get; private set; } = requested;

    public bool FellBack => Current != Requested;

    /// <summary>Deployments of <see cref="Current"/> that failed since it was entered or last retried: not chosen again till then.</summary>
    public HashSet<Deployment> FailedHere { get; } = [];

    /// <summary>Upstream attempts made, hedges included; at most <c>Retry:MaxAttempts</c>.</summary>
    public int Attempts { get; private set; }

    /// <summary>A backoff retry already withdrew from the retry budget for the next attempt.</summary>
    public bool RetryPaid { get; private set; }

    public ProviderException? LastFailure { get; set; }

    /// <summary>Soonest any deployment skipped for capacity has room again.</summary>
    public TimeSpan? CapacityFreesIn { get; set; }

    /// <summary>Any attempt after the first that no backoff retry paid for: the retry budget pays for it.</summary>
    public bool IsUnpaidFailover => Attempts > 0 && !RetryPaid;

    /// <summary>Why <see cref="Current"/> has nothing to choose: its deployments' last failure, else capacity, else unavailability.</summary>
    public FallbackTrigger WhyNoneChosen(int capacitySkips) =>
        FailedHere.Count > 0 && LastFailure is not null ? LastFailure.Trigger
        : capacitySkips > 0 ? FallbackTrigger.Throttled
        : FallbackTrigger.Unavailable;

    /// <summary>
    /// The next group along the requested group's chain whose step lists <paramref name="trigger"/>; steps passed
    /// over are not considered again for this request. Null when the chain has no such step left.
    /// </summary>
    public ModelGroup? NextFallback(FallbackTrigger trigger, RoutingTable table)
    {
        while (_nextFallback < Requested.Fallbacks.Count)
        {
            var fallback = Requested.Fallbacks[_nextFallback++];
            if (fallback.Triggers.Contains(trigger) && table.Groups.TryGetValue(fallback.Group, out var group))
            {
                return group;
            }
        }

        return null;
    }

    public void FallBackTo(ModelGroup group)
    {
        Current = group;
        FailedHere.Clear();
    }

    /// <summary>Whether <see cref="Current"/> may be tried again after a backoff: its last failure retryable and attempts left.</summary>
    public bool MayRetry(int maxAttempts) => LastFailure is { IsRetryable: true } && FailedHere.Count > 0 && Attempts < maxAttempts;

    /// <summary>A retry the budget paid for: its backoff round (0 for the first).</summary>
    public int PayRetry()
    {
        RetryPaid = true;
        return _retryRound++;
    }

    /// <summary>After the backoff: every deployment of <see cref="Current"/> may be chosen again.</summary>
    public void Retry() => FailedHere.Clear();

    /// <summary>An attempt starts: its number.</summary>
    public int StartAttempt()
    {
        RetryPaid = false;
        return ++Attempts;
    }

    /// <summary>Hedges started (positive) or half-open refusals that were no upstream call (negative) during an attempt.</summary>
    public void CountExtraAttempts(int extra) => Attempts += extra;
}
