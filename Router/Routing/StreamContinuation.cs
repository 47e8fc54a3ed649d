using Microsoft.Extensions.AI;

namespace Switchyard.Router.Routing;

/// <summary>
/// How a stream cut after tokens were sent goes on elsewhere: the client's conversation plus the answer
/// so far as an assistant prefill, for the tokens of <c>max_tokens</c> still unused, routed within the
/// group that served it to the other deployments of the same model whose provider continues a prefill,
/// never to one that already cut this stream.
/// </summary>
/// <param name="Request">What routing sends upstream for the rest of the answer.</param>
/// <param name="Deployments">The deployments that may continue (the request's allowed set).</param>
/// <param name="Resent">
/// The answer's trailing whitespace, which a prefill may not end on: the client has it already, and the
/// continuation is expected to start with it again.
/// </param>
/// <param name="PrefillPromptTokens">What the prefill adds to the prompt, by the Router's estimate.</param>
public sealed record StreamContinuation(RouteRequest Request, IReadOnlySet<string> Deployments, string Resent, long PrefillPromptTokens)
{
    /// <summary>The continuation of the lifetime's stream after <paramref name="failure"/>; null when there is none (the lifetime records why).</summary>
    internal static StreamContinuation? Plan(ChatRequestLifetime lifetime, Exception failure)
    {
        if (lifetime.ServingRoute is not { } serving
            || !lifetime.Table.Groups.TryGetValue(serving.ModelGroup, out var group)
            || !group.ContinueStreams)
        {
            return null;
        }

        var original = lifetime.Request;
        if (lifetime.AnswerSoFar is not { } answer)
        {
            lifetime.ContinuationRefused(failure, "the answer so far holds more than text (tool calls, reasoning) or has already finished");
            return null;
        }

        var model = ModelOutputLimits.WithoutGeography(serving.Deployment.Options.Model);
        var deployments = group.Deployments
            .Where(d => d.Provider.SupportsAssistantPrefill
                && d != serving.Deployment
                && !lifetime.CutDeployments.Contains(d)
                && ModelOutputLimits.WithoutGeography(d.Options.Model) == model
                && (original.AllowedDeployments is not { } allowed || allowed.Contains(d.Name)))
            .Select(d => d.Name)
            .ToHashSet(StringComparer.Ordinal);
        if (deployments.Count == 0)
        {
            lifetime.ContinuationRefused(failure, $"no other deployment of {model} in '{group.Name}' can continue a prefill");
            return null;
        }

        var prefill = answer.TrimEnd();
        var outputSoFar = TokenEstimate.ForText(answer.Length);
        var options = original.Options.Clone();
        if (options.MaxOutputTokens is { } maxTokens)
        {
            var left = maxTokens - outputSoFar;
            if (left < 1)
            {
                lifetime.ContinuationRefused(failure, "the answer so far used every token of max_tokens");
                return null;
            }

            options.MaxOutputTokens = (int)left;
        }

        // An answer cut before any text has nothing to prefill: its continuation is the answer from the start.
        List<ChatMessage> messages = [.. original.Messages];
        long prefillTokens = 0;
        if (prefill.Length > 0)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, prefill));
            prefillTokens = TokenEstimate.ForPrompt([messages[^1]]);
        }

        var request = original with
        {
            ModelGroup = group.Name,
            Messages = messages,
            Options = options,
            ReservedTokens = checked((int)(TokenEstimate.ForPrompt(messages) + (options.MaxOutputTokens ?? 0))),
            AllowedDeployments = deployments,
        };
        return new StreamContinuation(request, deployments, answer[prefill.Length..], prefillTokens);
    }
}
