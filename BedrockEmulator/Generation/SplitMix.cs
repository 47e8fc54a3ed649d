namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// SplitMix64: a cheap, deterministic random sequence from a 64-bit seed. Neighbouring seeds give
/// unrelated sequences, so similar prompts still get different answers.
/// </summary>
internal struct SplitMix(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A number in <c>[0, count)</c>.</summary>
    public int Next(int count)
    {
        var z = unchecked(_state += 0x9E3779B97F4A7C15);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EB);
        z ^= z >> 31;

        // Multiply-shift instead of modulo: no division, and no bias worth the name for small counts.
        return (int)(((z >> 32) * (uint)count) >> 32);
    }
}
