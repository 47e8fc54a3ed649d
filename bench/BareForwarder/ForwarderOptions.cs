using System.ComponentModel.DataAnnotations;

namespace Switchyard.Bench.BareForwarder;

/// <summary>Where to forward, whether each request first goes through tenant admission, and whether it is traced ("Forwarder" section).</summary>
public sealed class ForwarderOptions
{
    public const string SectionName = "Forwarder";

    /// <summary>The upstream chat-completions URL every request is forwarded to.</summary>
    [Required]
    public Uri? Upstream { get; set; }

    /// <summary>The upstream's API key, sent in place of the client's.</summary>
    public string? UpstreamApiKey { get; set; }

    /// <summary>Admit each request with the Router's admission library (key lookup, one Admit script) and settle it after the response.</summary>
    public bool Admission { get; set; }

    /// <summary>The model group admission is asked about: the forwarder never parses the body.</summary>
    [Required]
    public string ModelGroup { get; set; } = "bench-openai";

    /// <summary>
    /// Trace, meter and export over OTLP as the Router does (ServiceDefaults' OpenTelemetry: ASP.NET Core's server span,
    /// HttpClient's client span, their metrics): what the tracing the issues require costs any gateway hop.
    /// </summary>
    public bool Tracing { get; set; }

    /// <summary>
    /// 2 for HTTP/2 to the upstream, with prior knowledge on http:// (as the Router speaks to an endpoint set to "2"),
    /// so the floor goes over the same protocol as the Router it is compared with; 1.1 otherwise.
    /// </summary>
    [AllowedValues("1.1", "2")]
    public string HttpVersion { get; set; } = "1.1";

    /// <summary>Tokens reserved at admission and settled as used: the forwarder counts no tokens.</summary>
    [Range(0, 1_000_000)]
    public int ReservedTokens { get; set; } = 64;
}
