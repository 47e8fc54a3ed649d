using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

public sealed class DeploymentOptions
{
    /// <summary>Upper bound for <see cref="MaxOutputTokens"/>: far above any model, far below an int's range once added to an input estimate.</summary>
    public const int MaxOutputTokensLimit = 1_000_000;

    /// <summary>"bedrock" or "openai" (any OpenAI-compatible endpoint).</summary>
    [Required]
    public string Provider { get; set; } = "";

    /// <summary>Name of a Bedrock account (section "Bedrock:Accounts") or an OpenAI-compatible endpoint (section "OpenAIProviders").</summary>
    [Required]
    public string Account { get; set; } = "";

    /// <summary>AWS Region the call is sent to (Bedrock only).</summary>
    public string? Region { get; set; }

    /// <summary>Model id or inference-profile id as the provider knows it.</summary>
    [Required]
    public string Model { get; set; } = "";

    /// <summary>Requests per minute this deployment may take, counted across Router replicas; null = unchecked.</summary>
    [Range(1, int.MaxValue)]
    public int? Rpm { get; set; }

    /// <summary>Tokens per minute (input + max output reserved before the call); null = unchecked.</summary>
    [Range(1, int.MaxValue)]
    public int? Tpm { get; set; }

    /// <summary>
    /// Largest max_tokens the model takes; null = the model family's (<c>Routing/ModelOutputLimits.cs</c>).
    /// A model group takes the smallest of its deployments'.
    /// </summary>
    [Range(1, MaxOutputTokensLimit)]
    public int? MaxOutputTokens { get; set; }

    /// <summary>Relative weight for the weighted strategies.</summary>
    [Range(1, int.MaxValue)]
    public int Weight { get; set; } = 1;

    /// <summary>USD per 1,000 input tokens (for spend budgets and cost-aware routing).</summary>
    public decimal InputPricePer1k { get; set; }

    /// <summary>USD per 1,000 output tokens.</summary>
    public decimal OutputPricePer1k { get; set; }
}
