namespace Switchyard.BedrockEmulator.World;

internal static class RegionCatalog
{
    /// <summary>The Region of the OpenAI-compatible endpoint: it has its own quotas and faults, and no geography.</summary>
    public const string OpenAIRegion = "openai";

    public static readonly EmulatedRegion[] BedrockRegions =
    [
        new("us-east-1", "us", 1.0),
        new("us-east-2", "us", 1.1),
        new("us-west-2", "us", 1.2),
        new("eu-west-1", "eu", 1.3),
    ];

    public static readonly EmulatedRegion OpenAI = new(OpenAIRegion, "", 1.0);

    /// <summary>Every Region that has quotas and can be named in faults.</summary>
    public static readonly EmulatedRegion[] All = [.. BedrockRegions, OpenAI];

    public static EmulatedRegion? Find(string name) => Array.Find(All, r => r.Name == name);
}
