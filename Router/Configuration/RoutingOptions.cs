using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchyard.Router.Configuration;

/// <summary>The routing table: deployments, model groups and the policies that govern them (section "Routing").</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Routing";

    /// <summary>Deployments by name: one provider x account x Region x model each.</summary>
    public Dictionary<string, DeploymentOptions> Deployments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Model groups by the name clients send as <c>model</c>.</summary>
    public Dictionary<string, ModelGroupOptions> ModelGroups { get; set; } = new(StringComparer.Ordinal);

    [ValidateObjectMembers]
    public RetryOptions Retry { get; set; } = new();

    [ValidateObjectMembers]
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    [ValidateObjectMembers]
    public TimeoutOptions Timeouts { get; set; } = new();

    /// <summary>First-token deadlines, stall detection and hedging learnt from each deployment's latency.</summary>
    [ValidateObjectMembers]
    public ResponseTimeOptions ResponseTime { get; set; } = new();

    /// <summary>Largest request body accepted, in bytes; larger ones get 413 before anything is parsed.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a capacity check may wait on Redis before failing open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan CapacityStoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Record prompts and completions on spans (off by default: they may hold personal data).</summary>
    public bool RecordContent { get; set; }
}

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

public sealed class ModelGroupOptions
{
    /// <summary>Deployment names, in priority order.</summary>
    public List<string> Deployments { get; set; } = [];

    /// <summary>priority, round-robin, weighted-shuffle, least-busy, lowest-latency, latency-aware or most-remaining-capacity.</summary>
    public string Strategy { get; set; } = "priority";

    /// <summary>Groups to fall back to, in order, each with the failures that trigger it.</summary>
    public List<FallbackOptions> Fallbacks { get; set; } = [];

    /// <summary>
    /// Mid-stream continuation: a stream that fails or stalls after tokens were sent is continued on another
    /// deployment of the same model in the group, its partial answer sent as an assistant prefill (off by default).
    /// </summary>
    public bool ContinueStreams { get; set; }

    /// <summary>Hedge slow first tokens on another deployment; null = Routing:ResponseTime:Hedging:Enabled.</summary>
    public bool? Hedging { get; set; }
}

public sealed class FallbackOptions
{
    [Required]
    public string Group { get; set; } = "";

    /// <summary>
    /// Names of <see cref="FallbackTrigger"/>s: throttled, unavailable, timeout, context-window, content-filtered;
    /// none configured = <see cref="FallbackTrigger.Default"/>. Empty here rather than the defaults, because the
    /// configuration binder appends to a list it finds filled: a step could never be narrowed.
    /// </summary>
    public List<string> On { get; set; } = [];
}

public sealed class RetryOptions
{
    /// <summary>Upstream attempts per client request, over every deployment and fallback group.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Backoff before the first retry; it doubles with each round up to <see cref="MaxDelay"/>, fully jittered.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    [Range(typeof(TimeSpan), "00:00:00", "00:02:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Retries allowed as a share of first attempts (a token bucket), so an outage never multiplies upstream load.</summary>
    [Range(0.0, 10.0)]
    public double BudgetRatio { get; set; } = 0.2;

    /// <summary>Retries always allowed per second regardless of traffic, so a quiet Router can still retry.</summary>
    [Range(0, 10_000)]
    public int BudgetMinPerSecond { get; set; } = 10;
}

public sealed class CircuitBreakerOptions
{
    /// <summary>
    /// Share of failed calls in the sampling window that opens the breaker. Low on purpose: a group has
    /// other deployments to fail over to, so a deployment failing one call in four is better skipped.
    /// </summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.25;

    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 8;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether throttling counts as a failure (a throttled deployment is skipped for the break duration, like a cooldown).</summary>
    public bool CountThrottling { get; set; } = true;
}

public sealed class TimeoutOptions
{
    /// <summary>Deadline for the first token of a streamed attempt, or the whole answer of a non-streamed one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Attempt { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline for the whole request, every attempt and backoff included, and a stream to its last chunk.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Overall { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest silence between two updates of a stream once its first one has arrived: an upstream that
    /// stalls longer is cut, and the client gets an error event instead of waiting for the overall deadline.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StreamIdle { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The value ranges of <see cref="RoutingOptions"/> and the sections under it, generated from their annotations.</summary>
[OptionsValidator]
internal sealed partial class RoutingOptionsRangeValidator : IValidateOptions<RoutingOptions>;

/// <summary>The value ranges of one deployment (the deployments are a dictionary, which the generator does not enumerate).</summary>
[OptionsValidator]
internal sealed partial class DeploymentOptionsRangeValidator : IValidateOptions<DeploymentOptions>;
