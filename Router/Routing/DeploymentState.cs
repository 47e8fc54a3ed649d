using Polly;
using Polly.CircuitBreaker;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing.Latency;

namespace Switchyard.Router.Routing;

/// <summary>
/// Live state of one deployment that survives configuration reloads: its circuit breaker (Polly)
/// and the load and latency figures the strategies, deadlines and hedges use.
/// </summary>
public sealed class DeploymentState
{
    private const double LatencySmoothing = 0.2;

    private readonly TimeProvider _clock;
    private readonly CircuitBreakerStateProvider _breakerState = new();
    private readonly CircuitBreakerManualControl _breakerControl = new();
    private int _inFlight;
    private long _openUntilTicks;
    private double _ttftMsAverage = double.NaN;

    /// <param name="latencyWindow">How long a latency sample counts fully (Routing:ResponseTime:Window when the deployment was first configured).</param>
    public DeploymentState(string name, CircuitBreakerOptions breaker, Action<string, TimeSpan> onBreakerOpened, TimeProvider? clock = null, TimeSpan? latencyWindow = null)
    {
        Name = name;
        _clock = clock ?? TimeProvider.System;
        Latency = new DeploymentLatency(latencyWindow ?? new ResponseTimeOptions().Window, _clock);
        // Polly times the break on the same clock as IsOpen, so the two agree when the break is over.
        Breaker = new ResiliencePipelineBuilder { TimeProvider = _clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                StateProvider = _breakerState,
                ManualControl = _breakerControl,
                ShouldHandle = new PredicateBuilder().Handle<ProviderException>(e =>
                    e.IsRetryable && (breaker.CountThrottling || e.Kind != FailureKind.Throttled)),
                OnOpened = args =>
                {
                    Volatile.Write(ref _openUntilTicks, (_clock.GetUtcNow() + args.BreakDuration).UtcTicks);
                    onBreakerOpened(name, args.BreakDuration);
                    return default;
                },
            })
            .Build();
    }

    public string Name { get; }

    /// <summary>The per-deployment circuit breaker every attempt runs through.</summary>
    public ResiliencePipeline Breaker { get; }

    public CircuitState BreakerState => _breakerState.CircuitState;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Latency history: first tokens, gaps between updates, output rate.</summary>
    public DeploymentLatency Latency { get; }

    /// <summary>Moving average of time to first token in ms; NaN until the first measurement.</summary>
    public double TimeToFirstTokenMs => Volatile.Read(ref _ttftMsAverage);

    /// <summary>Last remaining-capacity share (0..1) the capacity check reported; 1 when unknown.</summary>
    public double RemainingCapacityShare { get; set; } = 1;

    /// <summary>
    /// Open here and still within its break duration. Polly moves an open breaker to half-open only
    /// when a call passes through it, so once the break duration is over the router lets the next call
    /// try (Polly admits one probe and refuses the rest until it knows).
    /// </summary>
    public bool IsOpen => BreakerState == CircuitState.Isolated
        || BreakerState == CircuitState.Open && _clock.GetUtcNow().UtcTicks < Volatile.Read(ref _openUntilTicks);

    /// <summary>Closes the breaker and forgets load and latency figures (scenario resets).</summary>
    public async Task ResetAsync()
    {
        await _breakerControl.CloseAsync();
        Volatile.Write(ref _openUntilTicks, 0);
        Volatile.Write(ref _ttftMsAverage, double.NaN);
        Latency.Reset();
        RemainingCapacityShare = 1;
    }

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public void RecordTimeToFirstToken(TimeSpan ttft)
    {
        var sample = ttft.TotalMilliseconds;
        Latency.TimeToFirstTokenMs.Record(sample);
        var current = Volatile.Read(ref _ttftMsAverage);
        // Benign race: a lost update only delays the average by one sample.
        Volatile.Write(ref _ttftMsAverage, double.IsNaN(current) ? sample : current + LatencySmoothing * (sample - current));
    }
}
