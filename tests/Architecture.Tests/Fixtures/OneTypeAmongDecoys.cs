// The control for SourceFileTests: one type named after the file, with what a careless scan would take for more
// types (class in a comment, a string, a raw string, a generic constraint, a nested type) and a file-local helper,
// which the rule allows. Also "class Comment" here.
namespace Switchyard.Architecture.Tests.Fixtures.SourceFiles;

/* record BlockComment; */
internal static class OneTypeAmongDecoys
{
    public const string Text = "class InString { }";

    public const string Verbatim = @"struct InVerbatim "" { ";

    public const string Raw = """
        interface InRaw { "quoted" }
        """;

    public static string Interpolated(int count) => $"{count} enum InInterpolation {{";

    public static T Create<T>()
        where T : class, new() => new();

    public static int Count() => Helper.Counted(Nested.Value);

    private static class Nested
    {
        public const int Value = 1;
    }
}

file static class Helper
{
    public static int Counted(int value) => checked(value + 1);
}
