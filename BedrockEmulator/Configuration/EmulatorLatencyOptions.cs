namespace Switchyard.BedrockEmulator.Configuration;

public sealed class EmulatorLatencyOptions
{
    public bool Enabled { get; set; } = true;
}
