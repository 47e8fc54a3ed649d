namespace Switchyard.Router.Routing;

/// <summary>
/// Largest <c>max_tokens</c> a model accepts, by model family, for deployments that do not set
/// <see cref="Configuration.DeploymentOptions.MaxOutputTokens"/>. The Router refuses a larger request
/// with a 400 before admission (nothing reserved, no upstream call), as the provider would after it.
/// </summary>
public static class ModelOutputLimits
{
    /// <summary>For a model none of the families below matches: generous, and bounded so a reservation stays sane.</summary>
    public const int Default = 32_768;

    /// <summary>Id prefixes (after a Bedrock inference-profile geography and the vendor) and their limits; the first match wins, so longer prefixes come first.</summary>
    private static readonly (string Prefix, int MaxOutputTokens)[] Families =
    [
        ("anthropic.claude-opus-4-5", 64_000),
        ("anthropic.claude-opus-4", 32_000),
        ("anthropic.claude-sonnet-4", 64_000),
        ("anthropic.claude-haiku-4", 64_000),
        ("anthropic.claude-3-7-sonnet", 64_000),
        ("anthropic.claude-3-5", 8_192),
        ("anthropic.claude-3", 4_096),
        ("amazon.nova-premier", 32_000),
        ("amazon.nova", 10_000),
        ("gpt-5", 128_000),
        ("gpt-4.1", 32_768),
        ("gpt-4o", 16_384),
        ("gpt-3.5-turbo", 4_096),
        ("o1", 100_000),
        ("o3", 100_000),
        ("o4-mini", 100_000),
    ];

    /// <summary>Bedrock cross-Region inference profiles prefix the model id with a geography: "us.", "eu.", "apac.", "global."...</summary>
    private static readonly string[] Geographies = ["us.", "us-gov.", "eu.", "apac.", "jp.", "au.", "ca.", "global."];

    public static int For(string modelId)
    {
        var id = WithoutGeography(modelId);
        foreach (var (prefix, limit) in Families)
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                return limit;
            }
        }

        return Default;
    }

    /// <summary>The model id without an inference profile's geography: the same model whichever Regions serve it.</summary>
    public static string WithoutGeography(string modelId)
    {
        foreach (var geography in Geographies)
        {
            if (modelId.StartsWith(geography, StringComparison.Ordinal))
            {
                return modelId[geography.Length..];
            }
        }

        return modelId;
    }
}
