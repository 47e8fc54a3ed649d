using Microsoft.Extensions.Options;

namespace Switchyard.BedrockEmulator.Configuration;

/// <summary>Switches that start from configuration and can be flipped live over the admin API.</summary>
internal sealed class EmulatorSettings(IOptions<EmulatorOptions> options)
{
    private volatile bool _latencyEnabled = options.Value.Latency.Enabled;
    private volatile bool _quotasEnabled = options.Value.Quotas.Enabled;

    public bool LatencyEnabled
    {
        get => _latencyEnabled;
        set => _latencyEnabled = value;
    }

    public bool QuotasEnabled
    {
        get => _quotasEnabled;
        set => _quotasEnabled = value;
    }
}
