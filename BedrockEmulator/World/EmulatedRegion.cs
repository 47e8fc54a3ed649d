namespace Switchyard.BedrockEmulator.World;

/// <summary>A Region the emulator serves: its geography (for inference profiles) and how much slower than the fastest it answers.</summary>
internal sealed record EmulatedRegion(string Name, string Geography, double LatencyFactor);
