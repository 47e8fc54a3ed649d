namespace Switchyard.Bench.Hosting;

/// <summary>
/// The Router configuration of the suite: the emulator as the only upstream and the bench's own model
/// groups (added to the shipped table, which the suite never calls), so every comparison is clean.
/// </summary>
public static class BenchRouting
{
    /// <summary>One deployment on the emulator's OpenAI-compatible endpoint: the same upstream as "direct" and Portkey.</summary>
    public const string OpenAIGroup = "bench-openai";

    /// <summary>One Bedrock deployment (Converse, SigV4) in us-east-1.</summary>
    public const string BedrockGroup = "bench-bedrock";

    /// <summary>Three Bedrock deployments of one model in three Regions, in priority order.</summary>
    public const string RegionsGroup = "bench-regions";

    /// <summary>
    /// The same three Regional deployments as <see cref="RegionsGroup"/>, least-busy, as the shipped
    /// <c>claude-sonnet-multi-region</c> group spreads them (without its fallback to another model).
    /// </summary>
    public const string MultiRegionGroup = "bench-multi-region";

    /// <summary>Three deployments on the OpenAI-compatible endpoint, one per model: the same shape Portkey's fallback targets can express.</summary>
    public const string ModelsGroup = "bench-models";

    /// <summary>The model of the overhead comparison, served by the emulator's OpenAI-compatible endpoint.</summary>
    public const string OpenAIModel = "gpt-4o-mini";

    public const string BedrockModel = "anthropic.claude-sonnet-4-6";

    public static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-2"];

    /// <summary>
    /// Settings added to a Router that speaks HTTP/2 (prior knowledge) to the emulator's OpenAI-compatible and Bedrock
    /// endpoints alike (docs/router.md, "Upstream HTTP version"); the Routers the targets judge speak HTTP/1.1, the default.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Http2Upstream = new Dictionary<string, string>
    {
        ["OpenAIProviders__emulator__HttpVersion"] = "2",
        ["Bedrock__HttpVersion"] = "2",
    };

    /// <summary>The three "deployments" of the model-mapped fault scenario, in priority order.</summary>
    public static readonly string[] FallbackModels = ["anthropic.claude-sonnet-4-6", "anthropic.claude-haiku-4-5-20251001-v1:0", "amazon.nova-pro-v1:0"];

    public static IReadOnlyDictionary<string, string> Environment(EmulatorAdmin emulator)
    {
        var environment = new Dictionary<string, string>
        {
            ["OpenAIProviders__emulator__Endpoint"] = emulator.OpenAIBase.ToString().TrimEnd('/'),
            ["OpenAIProviders__emulator__ApiKey"] = EmulatorAdmin.OpenAIKey,
            // The shipped table (never called here) uses both accounts, and the Router resolves credentials at start.
            ["Bedrock__Accounts__primary__AccountId"] = "111111111111",
            ["Bedrock__Accounts__primary__AccessKeyId"] = "AKIASWITCHYARDPRIMARY",
            ["Bedrock__Accounts__primary__SecretAccessKey"] = "switchyard-emulator-primary-secret",
            ["Bedrock__Accounts__secondary__AccountId"] = "222222222222",
            ["Bedrock__Accounts__secondary__AccessKeyId"] = "AKIASWITCHYARDSECOND",
            ["Bedrock__Accounts__secondary__SecretAccessKey"] = "switchyard-emulator-secondary-secret",
        };
        foreach (var region in EmulatorAdmin.BedrockRegions)
        {
            environment[$"Bedrock__Endpoints__{region}"] = emulator.RegionBase(region).ToString().TrimEnd('/');
        }

        Deployment(environment, "bench-openai-gpt", "openai", "emulator", null, OpenAIModel);
        Group(environment, OpenAIGroup, "priority", "bench-openai-gpt");

        Deployment(environment, "bench-bedrock-use1", "bedrock", "primary", "us-east-1", BedrockModel);
        Group(environment, BedrockGroup, "priority", "bench-bedrock-use1");

        var regionDeployments = Regions.Select(region => "bench-region-" + region).ToArray();
        for (var i = 0; i < Regions.Length; i++)
        {
            Deployment(environment, regionDeployments[i], "bedrock", "primary", Regions[i], BedrockModel);
        }

        Group(environment, RegionsGroup, "priority", regionDeployments);
        Group(environment, MultiRegionGroup, "least-busy", regionDeployments);

        var modelDeployments = FallbackModels.Select((_, i) => $"bench-model-{i + 1}").ToArray();
        for (var i = 0; i < FallbackModels.Length; i++)
        {
            Deployment(environment, modelDeployments[i], "openai", "emulator", null, FallbackModels[i]);
        }

        Group(environment, ModelsGroup, "priority", modelDeployments);
        return environment;
    }

    private static void Deployment(Dictionary<string, string> environment, string name, string provider, string account, string? region, string model)
    {
        var prefix = $"Routing__Deployments__{name}__";
        environment[prefix + "Provider"] = provider;
        environment[prefix + "Account"] = account;
        environment[prefix + "Model"] = model;
        if (region is not null)
        {
            environment[prefix + "Region"] = region;
        }
    }

    private static void Group(Dictionary<string, string> environment, string name, string strategy, params string[] deployments)
    {
        environment[$"Routing__ModelGroups__{name}__Strategy"] = strategy;
        for (var i = 0; i < deployments.Length; i++)
        {
            environment[$"Routing__ModelGroups__{name}__Deployments__{i}"] = deployments[i];
        }
    }
}
