namespace Switchyard.Architecture.Tests;

public class SourceFileTests
{
    private const string Fixtures = "tests/Architecture.Tests/Fixtures";

    [Fact]
    public void Every_production_source_file_holds_the_type_it_is_named_after()
    {
        var files = SourceFileNaming.ProductionSourceFiles().ToList();
        var violations = files.SelectMany(f => SourceFileNaming.Violations(f, File.ReadAllText(Path.Combine(TestAssemblies.RepositoryRoot, f)))).ToList();

        Assert.Contains(Path.Combine("Router", "Routing", "RouteRequest.cs"), files);
        Assert.Contains(Path.Combine("AppHost", "Program.cs"), files);
        Assert.DoesNotContain(files, f => TestAssemblies.IsUnderTests(f) || f.StartsWith("bench", StringComparison.Ordinal) || f.Contains("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void A_second_type_in_a_file_fails_the_naming_rule()
    {
        var violations = ViolationsOf("TwoTypesInOneFile.cs");

        Assert.Equal($"{Fixtures}/TwoTypesInOneFile.cs: holds StowawayType, which belongs in StowawayType.cs", Assert.Single(violations));
    }

    [Fact]
    public void A_wire_contract_without_its_serializer_context_fails_the_naming_rule()
    {
        var violations = ViolationsOf("ContextlessWire.cs");

        Assert.Contains("without the JsonSerializerContext", Assert.Single(violations));
    }

    [Fact]
    public void The_scan_sees_one_type_through_comments_strings_constraints_and_nested_types()
    {
        var source = File.ReadAllText(Path.Combine(TestAssemblies.RepositoryRoot, Fixtures, "OneTypeAmongDecoys.cs"));

        Assert.Equal(
            [new("OneTypeAmongDecoys", FileLocal: false, Bases: ""), new("Helper", FileLocal: true, Bases: "")],
            SourceFileTypes.Find(source));
        Assert.Empty(ViolationsOf("OneTypeAmongDecoys.cs"));
    }

    [Fact]
    public void The_scan_reads_block_namespaces_generic_types_delegates_and_base_lists()
    {
        const string source = """
            namespace A.B
            {
                public delegate Task<int> Handler<T>(T value) where T : struct;

                internal sealed partial record class Pair<TLeft, TRight>(TLeft Left, TRight Right) : IComparable where TLeft : class
                {
                    public int CompareTo(object? other) => 0;
                }

                internal sealed partial class Context : JsonSerializerContext;
            }
            """;

        Assert.Equal(
            [new("Handler", false, ""), new("Pair", false, "< TLeft , TRight > ( TLeft Left , TRight Right ) : IComparable where TLeft : class"), new("Context", false, ": JsonSerializerContext")],
            SourceFileTypes.Find(source));
    }

    private static List<string> ViolationsOf(string fixture)
    {
        var path = $"{Fixtures}/{fixture}";
        return [.. SourceFileNaming.Violations(path, File.ReadAllText(Path.Combine(TestAssemblies.RepositoryRoot, path)))];
    }
}
