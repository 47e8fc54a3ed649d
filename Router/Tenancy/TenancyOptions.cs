namespace Switchyard.Router.Tenancy;

/// <summary>Tenancy settings, section "Tenancy".</summary>
public sealed class TenancyOptions
{
    public const string SectionName = "Tenancy";

    /// <summary>
    /// When false the Router asks for no API key and applies no tenant limits: for a sidecar that serves
    /// one trusted app, and to measure what admission costs (bench/). Deployment capacity checks, routing
    /// and telemetry are unchanged. On by default and always on in the published topology.
    /// </summary>
    public bool Enabled { get; set; } = true;
}
