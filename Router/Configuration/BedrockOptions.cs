namespace Switchyard.Router.Configuration;

/// <summary>Amazon Bedrock accounts and endpoints (section "Bedrock").</summary>
public sealed class BedrockOptions
{
    public const string SectionName = "Bedrock";

    public Dictionary<string, BedrockAccountOptions> Accounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Base address per Region, overriding https://bedrock-runtime.{region}.amazonaws.com (the emulator sets these).</summary>
    public Dictionary<string, string> Endpoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>"1.1" (the default) or "2" to every Region's endpoint: HTTP/2 negotiated over TLS, with prior knowledge (h2c) over http:// (docs/router.md).</summary>
    public string? HttpVersion { get; set; }
}
