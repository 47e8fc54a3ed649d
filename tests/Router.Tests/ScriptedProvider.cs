using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests;

/// <summary>
/// A provider whose deployments answer from a script keyed by model id: "ok", or a failure kind.
/// It stands in for an upstream so routing decisions can be asserted exactly.
/// </summary>
public sealed class ScriptedProvider : IProvider
{
    public ConcurrentDictionary<string, Func<Exception?>> Behaviour { get; } = new();

    /// <summary>
    /// Streams by model id that replace the scripted answer's: each gets the call's cancellation token, so
    /// a script can stall, trickle, throw mid-stream, and see whether the Router cancelled it.
    /// </summary>
    public ConcurrentDictionary<string, Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>> Streams { get; } = new();

    /// <summary>Whole answers by model id that replace the scripted one.</summary>
    public ConcurrentDictionary<string, Func<ChatResponse>> Answers { get; } = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>What each non-scripted-stream call received, so a test can see what the front door passed on.</summary>
    public ConcurrentQueue<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Received { get; } = new();

    public string Name => "scripted";

    public string TelemetryName => "scripted";

    /// <summary>Scripts continue whatever they are given, so they may take a stream's continuation.</summary>
    public bool SupportsAssistantPrefill => true;

    public IEnumerable<string> Validate(string deploymentName, DeploymentOptions deployment) => [];

    public IChatClient CreateClient(DeploymentOptions deployment) => new Client(this, deployment.Model);

    public void Fail(string model, FailureKind kind, TimeSpan? retryAfter = null) =>
        Behaviour[model] = () => new ProviderException(kind, kind == FailureKind.Throttled ? 429 : 503, kind.ToString(), $"{model} scripted {kind}", retryAfter);

    public void Succeed(string model) => Behaviour[model] = () => null;

    private sealed class Client(ScriptedProvider owner, string model) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            owner.Calls.Enqueue(model);
            owner.Received.Enqueue(([.. messages], options));
            await Task.Yield();
            if (owner.Behaviour.TryGetValue(model, out var behaviour) && behaviour() is { } failure)
            {
                throw failure;
            }

            if (owner.Answers.TryGetValue(model, out var answer))
            {
                return answer();
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, $"answer from {model}"))
            {
                ModelId = model,
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = 5, OutputTokenCount = 7, TotalTokenCount = 12 },
            };
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (owner.Streams.TryGetValue(model, out var script))
            {
                owner.Calls.Enqueue(model);
                await foreach (var update in script(cancellationToken).WithCancellation(cancellationToken))
                {
                    yield return update;
                }

                yield break;
            }

            // The same answer as a whole one, a word at a time: the pieces concatenate to its text exactly, and
            // what is not text (tool calls) follows, so an answer assembled from the stream equals the whole one.
            var response = await GetResponseAsync(messages, options, cancellationToken);
            var words = response.Text.Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, i < words.Length - 1 ? words[i] + " " : words[i]) { ModelId = model };
            }

            var other = response.Messages.SelectMany(m => m.Contents).Where(c => c is not TextContent).ToList();
            if (other.Count > 0)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, other) { ModelId = model };
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { FinishReason = response.FinishReason ?? ChatFinishReason.Stop, ModelId = model };
            if (response.Usage is { } usage)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]) { ModelId = model };
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Sends <paramref name="text"/> (nothing when null), then waits until the Router cancels the call.</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> Stall(string? text, TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken cancellation)
    {
        if (text is not null)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
            cancelled.TrySetResult();
            throw;
        }
    }
}
