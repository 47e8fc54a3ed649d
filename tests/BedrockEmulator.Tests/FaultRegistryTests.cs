using Switchyard.BedrockEmulator.Faults;

namespace Switchyard.BedrockEmulator.Tests;

public sealed class FaultRegistryTests
{
    private static readonly FaultScope Scope = new("primary", "us-east-1", "us-east-2", BedrockCalls.Haiku, "us." + BedrockCalls.Haiku);

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));
    private readonly FaultRegistry _faults;

    public FaultRegistryTests() => _faults = new FaultRegistry(_time);

    [Fact]
    public void A_fault_with_a_duration_clears_itself()
    {
        _faults.Add(FaultKind.Outage, null, null, null, 1, 0, null, durationSeconds: 30);
        Assert.Equal(ErrorKind.ServiceUnavailable, _faults.Evaluate(Scope, streaming: false).Error);

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(_faults.Evaluate(Scope, streaming: false).Error);
        Assert.Empty(_faults.Active);
    }

    [Fact]
    public void A_rate_of_zero_never_strikes()
    {
        _faults.Add(FaultKind.ErrorRate, null, null, null, 0, 0, null, null);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(_faults.Evaluate(Scope, streaming: false).Error));
    }

    [Fact]
    public void Region_matches_the_Region_called_or_the_Region_serving()
    {
        _faults.Add(FaultKind.Throttle, "us-east-2", null, null, 1, 0, null, null);

        Assert.Equal(ErrorKind.Throttling, _faults.Evaluate(Scope, streaming: false).Error);
        Assert.Null(_faults.Evaluate(Scope with { SourceRegion = "us-west-2", ServedRegion = "us-west-2" }, streaming: false).Error);
    }

    [Fact]
    public void Latency_adds_up_and_hang_and_model_not_ready_are_reported()
    {
        _faults.Add(FaultKind.Latency, null, null, null, 1, 200, null, null);
        _faults.Add(FaultKind.Latency, null, BedrockCalls.Haiku, null, 1, 50, null, null);
        _faults.Add(FaultKind.Hang, null, null, "primary", 1, 0, null, null);
        _faults.Add(FaultKind.ModelNotReady, null, null, null, 1, 0, null, null);

        var effects = _faults.Evaluate(Scope, streaming: false);

        Assert.Equal(250, effects.ExtraLatencyMs);
        Assert.True(effects.Hang);
        Assert.Equal(ErrorKind.ModelNotReady, effects.Error);
    }

    [Fact]
    public void Stream_faults_apply_to_streams_only()
    {
        _faults.Add(FaultKind.StreamCut, null, null, null, 1, 0, null, null);
        _faults.Add(FaultKind.ErrorRate, null, null, null, 1, 0, afterEvents: 4, null);

        var stream = _faults.Evaluate(Scope, streaming: true);
        var plain = _faults.Evaluate(Scope, streaming: false);

        Assert.Equal(FaultRegistry.DefaultStreamCutAfterEvents, stream.StreamFaultAfterEvents);
        Assert.Equal(ErrorKind.ModelStreamError, stream.StreamFault);
        Assert.Null(stream.Error);
        Assert.Null(plain.StreamFaultAfterEvents);
        Assert.Equal(ErrorKind.InternalServer, plain.Error);
    }

    [Fact]
    public void Only_a_certain_outage_takes_a_Region_out_for_cross_Region_inference()
    {
        _faults.Add(FaultKind.Outage, "us-west-2", null, null, 0.5, 0, null, null);
        _faults.Add(FaultKind.Outage, "us-east-2", BedrockCalls.Haiku, null, 1, 0, null, null);

        Assert.False(_faults.IsOut("primary", "us-west-2", BedrockCalls.Haiku, "us." + BedrockCalls.Haiku));
        Assert.True(_faults.IsOut("primary", "us-east-2", BedrockCalls.Haiku, "us." + BedrockCalls.Haiku));
        Assert.False(_faults.IsOut("primary", "us-east-2", BedrockCalls.Sonnet, "us." + BedrockCalls.Sonnet));
    }
}
