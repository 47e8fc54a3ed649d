using Switchyard.Router.Configuration;

namespace Switchyard.Router.Routing.Latency;

/// <summary>
/// What one deployment's latency has been lately, as this replica measured it: time to first token, the
/// gaps between stream updates and the output rate, each a <see cref="LatencySketch"/>. From them come the
/// deployment's own first-token deadline, stall limit and hedge delay.
/// </summary>
public sealed class DeploymentLatency(TimeSpan window, TimeProvider clock)
{
    /// <summary>Time to first token, in ms, of every attempt that got one.</summary>
    public LatencySketch TimeToFirstTokenMs { get; } = new(window, clock);

    /// <summary>Silence between two updates of a stream, in ms.</summary>
    public LatencySketch UpdateGapMs { get; } = new(window, clock);

    /// <summary>Output tokens per second from first token to last, per finished stream.</summary>
    public LatencySketch OutputTokensPerSecond { get; } = new(window, clock, min: 0.01, max: 1_000_000);

    /// <summary>Whether the deployment went silent: an overdue first token and none from it since.</summary>
    public FirstTokenSilence Silence { get; } = new(clock);

    /// <summary>
    /// How long an attempt may wait for its first token: Multiplier x p99 within Floor and Ceiling once the
    /// deployment has MinSamples first tokens on record, Default until then; never beyond <paramref name="attemptTimeout"/>.
    /// </summary>
    public TimeSpan FirstTokenDeadline(ResponseTimeOptions options, TimeSpan attemptTimeout)
    {
        var first = options.FirstToken;
        var deadline = TimeToFirstTokenMs.UpperBound(0.99, options.MinSamples) is { } p99
            ? Clamp(TimeSpan.FromMilliseconds(p99 * first.Multiplier), first.Floor, first.Ceiling)
            : first.Default;
        return deadline < attemptTimeout ? deadline : attemptTimeout;
    }

    /// <summary>
    /// When a hedge starts if no first token came: the hedging quantile of the deployment's first tokens, its
    /// bucket's upper bound, so that no more than that share of healthy attempts is hedged even when first tokens
    /// barely vary; null without enough history.
    /// </summary>
    public TimeSpan? HedgeDelay(ResponseTimeOptions options) =>
        TimeToFirstTokenMs.UpperBound(options.Hedging.Quantile, options.MinSamples) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>Longest silence between updates before a stream counts as stalled: Multiplier x p99 gap within Floor and <paramref name="ceiling"/> (the limit without enough history).</summary>
    public TimeSpan StallTimeout(ResponseTimeOptions options, TimeSpan ceiling) =>
        UpdateGapMs.UpperBound(0.99, options.MinSamples) is { } p99
            ? Clamp(TimeSpan.FromMilliseconds(p99 * options.Stall.Multiplier), options.Stall.Floor < ceiling ? options.Stall.Floor : ceiling, ceiling)
            : ceiling;

    /// <summary>The stall limit for a stream under <paramref name="options"/>: at most Routing:Timeouts:StreamIdle.</summary>
    public TimeSpan StallTimeout(RoutingOptions options) => StallTimeout(options.ResponseTime, options.Timeouts.StreamIdle);

    /// <summary>Forgets every sample (scenario resets).</summary>
    public void Reset()
    {
        TimeToFirstTokenMs.Reset();
        UpdateGapMs.Reset();
        OutputTokensPerSecond.Reset();
        Silence.Reset();
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan floor, TimeSpan ceiling) =>
        value < floor ? floor : value > ceiling ? ceiling : value;
}
