using System.Collections.Frozen;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Catalog;

/// <summary>The models and the system inference profiles the emulator serves.</summary>
internal static class ModelCatalog
{
    public static readonly ModelDefinition[] Models =
    [
        new("anthropic.claude-sonnet-4-6", "Claude Sonnet 4.6", 64_000, 5, 900, 60, 200, 800_000),
        new("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", 64_000, 5, 1_000, 55, 200, 800_000),
        new("anthropic.claude-haiku-4-5-20251001-v1:0", "Claude Haiku 4.5", 64_000, 5, 450, 120, 400, 1_600_000),
        new("amazon.nova-pro-v1:0", "Nova Pro", 10_000, 1, 500, 90, 1_000, 2_000_000),
        new("amazon.nova-lite-v1:0", "Nova Lite", 10_000, 1, 300, 150, 1_000, 4_000_000),
        new("gpt-4o-mini", "GPT-4o mini (OpenAI-compatible endpoint only)", 16_384, 1, 350, 100, 1_000, 2_000_000, OnBedrock: false),
    ];

    /// <summary>Profile prefix to the Regions it spreads over.</summary>
    public static readonly FrozenDictionary<string, EmulatedRegion[]> Geographies = new Dictionary<string, EmulatedRegion[]>
    {
        ["us"] = [.. RegionCatalog.BedrockRegions.Where(r => r.Geography == "us")],
        ["eu"] = [.. RegionCatalog.BedrockRegions.Where(r => r.Geography == "eu")],
        ["global"] = RegionCatalog.BedrockRegions,
    }.ToFrozenDictionary();

    public static readonly InferenceProfile[] Profiles =
    [
        .. from model in Models
           where model.OnBedrock
           from geography in Geographies
           select new InferenceProfile($"{geography.Key}.{model.Id}", model, geography.Value),
    ];

    private static readonly FrozenDictionary<string, ModelDefinition> ModelsById = Models.ToFrozenDictionary(m => m.Id);
    private static readonly FrozenDictionary<string, InferenceProfile> ProfilesById = Profiles.ToFrozenDictionary(p => p.Id);

    public static ModelDefinition? FindModel(string id) => ModelsById.GetValueOrDefault(id);

    /// <summary>
    /// Resolves a Bedrock model id or inference profile id called in <paramref name="region"/>, as
    /// Bedrock does: an unknown id, or a profile whose geography does not include the Region, is invalid.
    /// </summary>
    public static ModelTarget? ResolveBedrock(string id, EmulatedRegion region)
    {
        if (ModelsById.TryGetValue(id, out var model))
        {
            return model.OnBedrock ? new ModelTarget(model, null) : null;
        }

        return ProfilesById.TryGetValue(id, out var profile) && Array.IndexOf(profile.Regions, region) >= 0
            ? new ModelTarget(profile.Model, profile)
            : null;
    }
}
