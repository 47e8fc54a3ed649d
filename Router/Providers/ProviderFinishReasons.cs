using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers;

/// <summary>Finish reasons providers report beyond Microsoft.Extensions.AI's four, which each door words in its own protocol.</summary>
public static class ProviderFinishReasons
{
    /// <summary>
    /// One of the request's stop sequences ended the answer: <c>stop_sequence</c> to Anthropic and Bedrock
    /// clients, which tell it from the natural end; <c>stop</c> to OpenAI clients, which do not.
    /// </summary>
    public static readonly ChatFinishReason StopSequence = new("stop_sequence");
}
