namespace Switchyard.Architecture.Tests;

/// <summary>What counts as test code: the projects under tests/ and the test frameworks and fakes they use.</summary>
internal static class TestAssemblies
{
    /// <summary>
    /// Matches an assembly's full name ("Router.Tests, Version=...") of a test project or test framework.
    /// <see cref="AssemblyReferenceTests.The_test_assembly_pattern_names_every_test_project"/> keeps it in step with tests/.
    /// </summary>
    public const string NamePattern =
        @"^([^,]+\.Tests|TestSupport|xunit(\.[^,]+)?|CsCheck|Microsoft\.AspNetCore\.Mvc\.Testing|Aspire\.Hosting\.Testing|Microsoft\.Extensions\.TimeProvider\.Testing|Microsoft\.VisualStudio\.TestPlatform\.[^,]+|ArchUnitNET(\.[^,]+)?)(,|$)";

    /// <summary>The repository's root: the nearest folder above the test's output that holds Aspire.sln.</summary>
    public static readonly string RepositoryRoot = FindRoot();

    public static bool IsUnderTests(string relativePath) =>
        relativePath.StartsWith("tests" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Aspire.sln above {AppContext.BaseDirectory}.");
    }
}
