using CsCheck;

namespace Switchyard.Tests.Fuzz;

/// <summary>The draws the generators make from one case's PCG, so a case is a pure function of its seed.</summary>
public static class FuzzDraw
{
    public static T Draw<T>(PCG pcg, Gen<T> gen) => gen.Generate(pcg, null, out _);

    public static int Between(PCG pcg, int low, int high) => low + (int)pcg.Next((uint)(high - low + 1));

    public static bool Chance(PCG pcg, int percent) => pcg.Next(100) < percent;

    public static T Pick<T>(PCG pcg, IReadOnlyList<T> items) => items[(int)pcg.Next((uint)items.Count)];
}
