using System.Diagnostics;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.Inference;

/// <summary>
/// When each part of an answer is due: the model's time to first token and output rate, slowed by the
/// serving Region's factor, plus any injected latency. With the latency model off only injected latency remains.
/// </summary>
internal sealed class LatencyModel(EmulatorSettings settings)
{
    /// <summary>Time from the start of the request to the first token.</summary>
    public TimeSpan FirstToken(Invocation invocation) =>
        TimeSpan.FromMilliseconds(invocation.Faults.ExtraLatencyMs
            + (settings.LatencyEnabled ? invocation.Model!.TimeToFirstTokenMs * invocation.ServedRegion.LatencyFactor : 0));

    /// <summary>Waits until the whole answer has been generated (non-streaming APIs).</summary>
    public Task WaitForAnswerAsync(Invocation invocation, CancellationToken cancellationToken) =>
        WaitUntilAsync(invocation, FirstToken(invocation) + Generation(invocation, invocation.Completion.OutputTokens), cancellationToken);

    /// <summary>Counts stream delta <paramref name="delta"/> as sent and waits until its last token is due.</summary>
    public Task PaceDeltaAsync(Invocation invocation, TimeSpan firstToken, int delta, CancellationToken cancellationToken)
    {
        invocation.OutputTokensSent = Math.Min(invocation.Completion.OutputTokens, (delta + 1) * Completion.TokensPerDelta);
        return WaitUntilAsync(invocation, firstToken + Generation(invocation, invocation.OutputTokensSent), cancellationToken);
    }

    /// <summary>Waits until <paramref name="due"/> after the request started.</summary>
    public static Task WaitUntilAsync(Invocation invocation, TimeSpan due, CancellationToken cancellationToken)
    {
        var remaining = due - Stopwatch.GetElapsedTime(invocation.StartTimestamp);
        return remaining > TimeSpan.Zero ? Task.Delay(remaining, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>
    /// Sends what <paramref name="output"/> holds before waiting for <paramref name="pacing"/>; when there
    /// is nothing to wait for (latency off) events are sent in batches instead of one write each.
    /// </summary>
    public static async Task FlushBeforeAsync(Task pacing, System.IO.Pipelines.PipeWriter output, CancellationToken cancellationToken)
    {
        if (!pacing.IsCompleted)
        {
            await output.FlushAsync(cancellationToken);
        }

        await pacing;
    }

    /// <summary>Time from the first token until <paramref name="tokens"/> more have been generated.</summary>
    private TimeSpan Generation(Invocation invocation, int tokens) =>
        settings.LatencyEnabled ? TimeSpan.FromSeconds(tokens * invocation.ServedRegion.LatencyFactor / invocation.Model!.OutputTokensPerSecond) : TimeSpan.Zero;
}
