namespace Switchyard.BedrockEmulator.Faults;

/// <summary>What the active faults do to one request.</summary>
internal readonly record struct FaultEffects(ErrorKind? Error, int ExtraLatencyMs, bool Hang, int? StreamFaultAfterEvents, ErrorKind StreamFault)
{
    public static readonly FaultEffects None = new(null, 0, false, null, default);
}
