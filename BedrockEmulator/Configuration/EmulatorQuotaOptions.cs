namespace Switchyard.BedrockEmulator.Configuration;

public sealed class EmulatorQuotaOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Limits replacing the catalog's defaults; an omitted account, Region or model matches all.</summary>
    public List<QuotaOverride> Overrides { get; set; } = [];
}
