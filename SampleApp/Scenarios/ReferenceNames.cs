namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Names of the reference sample (aws-samples/sample-resilient-llm-inference) that the Router's default
/// configuration keeps, so the sample's scripts and these scenarios run unchanged against it.
/// </summary>
public static class ReferenceNames
{
    public const string DemoKey = "demo-key";

    /// <summary>The fallback and overflow model (Claude Haiku 4.5).</summary>
    public const string HaikuModel = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

    /// <summary>Claude Sonnet 4.6: the cross-Region, sharding and fallback demos' model, one of the two load-balanced ones.</summary>
    public const string SonnetProfile = "us.anthropic.claude-sonnet-4-6";

    /// <summary>Claude Sonnet 4.5: the other load-balanced model, and the quota-isolation demo's.</summary>
    public const string Sonnet45Profile = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

    /// <summary>The tenant of the fallback and load-balancing demos; it may use every model group.</summary>
    public static readonly Tenant Demo = new("Demo", DemoKey, "claude-sonnet-multi-region");

    /// <summary>The tenants of the quota-isolation demo, each allowed its own model group only.</summary>
    public static readonly IReadOnlyList<Tenant> Tenants =
    [
        new("A", "consumer-a-key", "consumer-a-model"),
        new("B", "consumer-b-key", "consumer-b-model"),
        new("C", "consumer-c-key", "consumer-c-model"),
    ];

    /// <summary>
    /// The reference's fallback and load-balancing scripts call an answer a FALLBACK when the response's
    /// <c>model</c> contains "haiku" (case-insensitive); every primary there is a Sonnet.
    /// </summary>
    public static bool IsFallbackModel(string? model) => model?.Contains("haiku", StringComparison.OrdinalIgnoreCase) == true;
}
