using ArchUnitNET.xUnit;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// No cycles between the folders of any production assembly: at each depth its namespaces reach (a folder,
/// then a folder's sub-folders), the folders found in the code itself, so a new folder or a new level is
/// checked without a line here. A flat assembly (Admission: one namespace) has no rows until it grows a folder.
/// </summary>
public class NamespaceCycleTests
{
    private static readonly ArchUnitNET.Domain.Architecture Production = ProductionArchitecture.Architecture;

    public static TheoryData<string, int> FolderLevels()
    {
        var levels = new TheoryData<string, int>();
        foreach (var root in ProductionArchitecture.RootNamespaces)
        {
            var deepest = Production.Namespaces
                .Where(n => n.FullName.StartsWith(root + ".", StringComparison.Ordinal) && n.Types.Any())
                .Select(n => n.FullName[(root.Length + 1)..].Split('.').Length)
                .DefaultIfEmpty(0)
                .Max();
            for (var depth = 1; depth <= deepest; depth++)
            {
                levels.Add(root, depth);
            }
        }

        return levels;
    }

    [Theory]
    [MemberData(nameof(FolderLevels))]
    public void Folders_are_free_of_cycles(string root, int depth) =>
        LayeringRules.FoldersFreeOfCycles(root, depth).Check(Production);

    [Fact]
    public void Every_production_namespace_is_below_a_checked_root()
    {
        // Program's top-level statements live in the global namespace; ServiceDefaults' AddServiceDefaults sits in
        // Microsoft.Extensions.Hosting, as Aspire's template puts it, so that every service finds it without a using.
        // Source generators add the other two: Razor's __Blazor helpers and the validation generator's attribute.
        string[] outside = ["", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Validation.Embedded"];
        var outsideRoots = Production.Types
            .Where(t => ProductionArchitecture.All.Any(a => a.FullName == t.Assembly.FullName))
            .Select(t => t.Namespace.FullName)
            .Where(ns => !outside.Contains(ns) && !ns.StartsWith("__Blazor.", StringComparison.Ordinal))
            .Where(ns => !ProductionArchitecture.RootNamespaces.Any(r => ns == r || ns.StartsWith(r + ".", StringComparison.Ordinal)))
            .Distinct()
            .ToList();

        Assert.Empty(outsideRoots);
        Assert.Contains(FolderLevels(), row => (string)row[0] == "Switchyard.BedrockEmulator" && (int)row[1] == 2);
    }
}
