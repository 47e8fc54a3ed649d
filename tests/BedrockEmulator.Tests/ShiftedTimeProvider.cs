namespace Switchyard.BedrockEmulator.Tests;

/// <summary>Real time plus an offset a test sets: clients still sign with real time while the emulator lives later.</summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
