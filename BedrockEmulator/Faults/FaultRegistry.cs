namespace Switchyard.BedrockEmulator.Faults;

/// <summary>
/// The faults in force, set and cleared live. Readers take an immutable snapshot, so the hot path
/// with no faults is one volatile read.
/// </summary>
internal sealed class FaultRegistry(TimeProvider time)
{
    /// <summary>Events a stream-cut lets through when the fault does not say.</summary>
    public const int DefaultStreamCutAfterEvents = 3;

    private readonly Lock _gate = new();
    private volatile Fault[] _faults = [];

    public IReadOnlyList<Fault> Active
    {
        get
        {
            var now = time.GetUtcNow();
            return [.. _faults.Where(f => !IsExpired(f, now))];
        }
    }

    public Fault Add(FaultKind kind, string? region, string? model, string? account, double rate, int latencyMs, int? afterEvents, int? durationSeconds)
    {
        var now = time.GetUtcNow();
        var fault = new Fault(Guid.NewGuid().ToString("N")[..12], kind, region, model, account, rate, latencyMs, afterEvents, now,
            durationSeconds is { } seconds ? now.AddSeconds(seconds) : null);
        lock (_gate)
        {
            _faults = [.. _faults.Where(f => !IsExpired(f, now)), fault];
        }

        return fault;
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            var remaining = _faults.Where(f => f.Id != id).ToArray();
            var removed = remaining.Length != _faults.Length;
            _faults = remaining;
            return removed;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults = [];
        }
    }

    /// <summary>
    /// Rolls the dice of every matching fault. On a stream, an outage, error-rate or throttle fault
    /// with <c>afterEvents</c> strikes mid-stream as an exception frame instead of before it starts.
    /// </summary>
    public FaultEffects Evaluate(in FaultScope scope, bool streaming)
    {
        var faults = _faults;
        if (faults.Length == 0)
        {
            return FaultEffects.None;
        }

        var now = time.GetUtcNow();
        ErrorKind? error = null;
        int? streamAfter = null;
        var streamFault = ErrorKind.ModelStreamError;
        var extraLatency = 0;
        var hang = false;
        foreach (var fault in faults)
        {
            if (IsExpired(fault, now) || !fault.Matches(scope) || !Strikes(fault))
            {
                continue;
            }

            switch (fault.Kind)
            {
                case FaultKind.Latency:
                    extraLatency += fault.LatencyMs;
                    break;
                case FaultKind.Hang:
                    hang = true;
                    break;
                case FaultKind.StreamCut when streaming && streamAfter is null:
                    streamAfter = fault.AfterEvents ?? DefaultStreamCutAfterEvents;
                    streamFault = ErrorKind.ModelStreamError;
                    break;
                case FaultKind.Outage or FaultKind.ErrorRate or FaultKind.Throttle when streaming && fault.AfterEvents is { } after:
                    if (streamAfter is null)
                    {
                        streamAfter = after;
                        streamFault = ErrorFor(fault.Kind);
                    }

                    break;
                case FaultKind.Outage or FaultKind.ErrorRate or FaultKind.Throttle or FaultKind.ModelNotReady:
                    error ??= ErrorFor(fault.Kind);
                    break;
            }
        }

        return new FaultEffects(error, extraLatency, hang, streamAfter, streamFault);
    }

    /// <summary>Whether an outage takes <paramref name="region"/> out for this model and account (cross-Region inference routes around it).</summary>
    public bool IsOut(string account, string region, string modelId, string requestedModel)
    {
        var faults = _faults;
        if (faults.Length == 0)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var scope = new FaultScope(account, region, region, modelId, requestedModel);
        return faults.Any(f => f.Kind == FaultKind.Outage && f.Rate >= 1 && !IsExpired(f, now) && f.Matches(scope));
    }

    private static ErrorKind ErrorFor(FaultKind kind) => kind switch
    {
        FaultKind.Outage => ErrorKind.ServiceUnavailable,
        FaultKind.Throttle => ErrorKind.Throttling,
        FaultKind.ModelNotReady => ErrorKind.ModelNotReady,
        _ => ErrorKind.InternalServer,
    };

    private static bool Strikes(Fault fault) => fault.Rate >= 1 || Random.Shared.NextDouble() < fault.Rate;

    private static bool IsExpired(Fault fault, DateTimeOffset now) => fault.ExpiresAt is { } expiry && expiry <= now;
}
