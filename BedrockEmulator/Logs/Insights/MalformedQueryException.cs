namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A query outside the emulator's Logs Insights subset, or not valid at all, with where it went wrong (character offsets).</summary>
internal sealed class MalformedQueryException(string message, int start, int end) : Exception(message)
{
    public int Start { get; } = start;

    public int End { get; } = end;
}
