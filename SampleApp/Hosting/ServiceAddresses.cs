using System.ComponentModel.DataAnnotations;

namespace Switchyard.SampleApp.Hosting;

/// <summary>
/// Where the SampleApp finds the other services (configuration section "SampleApp"). The defaults are
/// service-discovery names: under Aspire they resolve through <c>services__*</c> variables, and outside
/// it through <see cref="LocalTopologyDefaults"/>.
/// </summary>
public sealed class ServiceAddresses
{
    public const string SectionName = "SampleApp";

    [Required]
    public Uri Router { get; set; } = new("http://router");

    [Required]
    public Uri EmulatorAdmin { get; set; } = new("http://_admin.bedrock");

    [Required]
    public Uri QuotaService { get; set; } = new("http://quotas");

    /// <summary>The Aspire dashboard, for links to a request's trace (configuration "Dashboard:Url").</summary>
    [Required]
    public Uri Dashboard { get; set; } = new("http://localhost:18888");

    public Uri TraceLink(string traceId) => new(Dashboard, $"traces/detail/{traceId}");
}
