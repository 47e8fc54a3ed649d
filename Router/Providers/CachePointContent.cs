using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers;

/// <summary>
/// A prompt-cache boundary: the prompt up to here (tools, system, the messages before) may be cached by
/// a provider that supports prompt caching (Bedrock's <c>cachePoint</c>); others skip it. A front door
/// puts one after each piece of content its client marked for caching.
/// </summary>
public sealed class CachePointContent : AIContent
{
    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key under which providers report tokens written to the prompt cache (reads are <see cref="UsageDetails.CachedInputTokenCount"/>).</summary>
    public const string CacheWriteInputTokens = "CacheWriteInputTokens";
}
