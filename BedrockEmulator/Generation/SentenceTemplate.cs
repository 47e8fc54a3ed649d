using System.Diagnostics;

namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// A sentence pattern such as <c>"{subject} {verb} {object}."</c>: a row of slots, each taking one of its
/// phrases (literal text is a slot of one phrase). It knows which lengths every tail of the row can fill,
/// so a sentence of an exact length is built left to right without backtracking.
/// </summary>
internal sealed class SentenceTemplate
{
    private readonly string[][] _slots;

    /// <summary><c>_fills[i][n]</c>: slots <c>i..</c> can fill exactly <c>n</c> characters.</summary>
    private readonly bool[][] _fills;

    /// <summary><c>_averages[i]</c>: the average length of slots <c>i..</c> together.</summary>
    private readonly double[] _averages;

    public SentenceTemplate(string pattern, IReadOnlyDictionary<string, string[]> phrases)
    {
        _slots = Parse(pattern, phrases);
        _fills = new bool[_slots.Length + 1][];
        _fills[^1] = [true];
        _averages = new double[_slots.Length + 1];
        for (var i = _slots.Length - 1; i >= 0; i--)
        {
            _averages[i] = _averages[i + 1] + _slots[i].Average(phrase => phrase.Length);
            var next = _fills[i + 1];
            var fills = new bool[next.Length + _slots[i].Max(phrase => phrase.Length)];
            foreach (var phrase in _slots[i])
            {
                for (var n = 0; n < next.Length; n++)
                {
                    fills[n + phrase.Length] |= next[n];
                }
            }

            _fills[i] = fills;
        }
    }

    /// <summary>The longest sentence this pattern makes.</summary>
    public int Longest => _fills[0].Length - 1;

    /// <summary>The average length of the sentences this pattern makes.</summary>
    public double Average => _averages[0];

    public bool CanFill(int length) => length < _fills[0].Length && _fills[0][length];

    /// <summary>Writes a sentence of any length into <paramref name="chars"/>; returns its length.</summary>
    public int WriteAny(Span<char> chars, ref SplitMix random)
    {
        var written = 0;
        foreach (var slot in _slots)
        {
            var phrase = slot[random.Next(slot.Length)];
            phrase.CopyTo(chars[written..]);
            written += phrase.Length;
        }

        return written;
    }

    /// <summary>Fills all of <paramref name="chars"/>, whose length <see cref="CanFill"/> must allow.</summary>
    public void WriteExact(Span<char> chars, ref SplitMix random)
    {
        var written = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            var remaining = chars.Length - written;
            var share = remaining * (_averages[i] - _averages[i + 1]) / _averages[i];
            var phrase = Pick(_slots[i], _fills[i + 1], remaining, share, ref random);
            phrase.CopyTo(chars[written..]);
            written += phrase.Length;
        }
    }

    /// <summary>
    /// A random phrase of <paramref name="slot"/> after which the rest can fill <paramref name="remaining"/>
    /// exactly: of a few such candidates, the one nearest to the slot's <paramref name="share"/> of it, so no
    /// slot is left with only its shortest or longest phrases.
    /// </summary>
    private static string Pick(string[] slot, bool[] restFills, int remaining, double share, ref SplitMix random)
    {
        const int candidates = 3;
        string? best = null;
        var found = 0;
        var start = random.Next(slot.Length);
        for (var i = 0; i < slot.Length && found < candidates; i++)
        {
            var phrase = slot[(start + i) % slot.Length];
            var rest = remaining - phrase.Length;
            if (rest >= 0 && rest < restFills.Length && restFills[rest])
            {
                found++;
                if (best is null || Math.Abs(phrase.Length - share) < Math.Abs(best.Length - share))
                {
                    best = phrase;
                }
            }
        }

        return best ?? throw new UnreachableException($"No phrase fits {remaining} characters; the caller checks CanFill first.");
    }

    private static string[][] Parse(string pattern, IReadOnlyDictionary<string, string[]> phrases)
    {
        var slots = new List<string[]>();
        var position = 0;
        while (position < pattern.Length)
        {
            if (pattern[position] == '{')
            {
                var end = pattern.IndexOf('}', position);
                slots.Add(phrases[pattern[(position + 1)..end]]);
                position = end + 1;
            }
            else
            {
                var end = pattern.IndexOf('{', position);
                end = end < 0 ? pattern.Length : end;
                slots.Add([pattern[position..end]]);
                position = end;
            }
        }

        return [.. slots];
    }
}
