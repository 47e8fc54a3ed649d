using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// When each part of an answer is due: the model's time to first token and output rate, slowed by the
/// Region's factor, plus any injected latency. With the latency model off only injected latency remains.
/// </summary>
internal sealed class LatencyModel(EmulatorSettings settings)
{
    /// <summary>Time from the start of the request to the first token.</summary>
    public TimeSpan FirstToken(ModelDefinition model, EmulatedRegion region, int extraLatencyMs) =>
        TimeSpan.FromMilliseconds(extraLatencyMs + (settings.LatencyEnabled ? model.TimeToFirstTokenMs * region.LatencyFactor : 0));

    /// <summary>Time from the first token until <paramref name="tokens"/> more have been generated.</summary>
    public TimeSpan Generation(ModelDefinition model, EmulatedRegion region, int tokens) =>
        settings.LatencyEnabled ? TimeSpan.FromSeconds(tokens * region.LatencyFactor / model.OutputTokensPerSecond) : TimeSpan.Zero;

    /// <summary>Waits until <paramref name="due"/> after <paramref name="startTimestamp"/> (a Stopwatch timestamp).</summary>
    public static Task WaitUntilAsync(long startTimestamp, TimeSpan due, CancellationToken cancellationToken)
    {
        var remaining = due - System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp);
        return remaining > TimeSpan.Zero ? Task.Delay(remaining, cancellationToken) : Task.CompletedTask;
    }
}
