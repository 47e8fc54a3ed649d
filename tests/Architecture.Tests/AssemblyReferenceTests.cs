using System.Xml.Linq;
using ArchUnitNET.xUnit;

namespace Switchyard.Architecture.Tests;

public class AssemblyReferenceTests
{
    private static readonly ArchUnitNET.Domain.Architecture Production = ProductionArchitecture.Architecture;

    [Fact]
    public void Admission_references_no_service() =>
        LayeringRules.ReferencesNone([ProductionArchitecture.Admission], ProductionArchitecture.Services,
            "the Router and the QuotaService share admission as a library; a library that knew a service would make them one").Check(Production);

    [Fact]
    public void ServiceDefaults_references_no_service() =>
        LayeringRules.ReferencesNone([ProductionArchitecture.ServiceDefaults], ProductionArchitecture.Services,
            "every service builds on its defaults").Check(Production);

    [Fact]
    public void No_production_assembly_uses_a_test_assembly() =>
        LayeringRules.ReferencesNoAssemblyMatching(ProductionArchitecture.All, TestAssemblies.NamePattern,
            "test code ships with no service").Check(Production);

    [Fact]
    public void No_production_project_references_a_test_project()
    {
        // The projects ArchUnitNET does not load (AppHost, GarnetHost, bench/) are held to the same rule at the
        // project level: a ProjectReference into tests/ is the only way a test assembly could reach them.
        var references =
            from project in Directory.EnumerateFiles(TestAssemblies.RepositoryRoot, "*.csproj", SearchOption.AllDirectories)
            let relative = Path.GetRelativePath(TestAssemblies.RepositoryRoot, project)
            where !TestAssemblies.IsUnderTests(relative) && !relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")
            from reference in XDocument.Load(project).Descendants("ProjectReference")
            let target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar)))
            select (relative, target: Path.GetRelativePath(TestAssemblies.RepositoryRoot, target));

        var all = references.ToList();
        Assert.NotEmpty(all);
        Assert.DoesNotContain(all, r => TestAssemblies.IsUnderTests(r.target));
    }

    [Fact]
    public void The_test_assembly_pattern_names_every_test_project()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(TestAssemblies.RepositoryRoot, "tests"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .ToList();

        Assert.Contains("TestSupport", projects);
        Assert.All(projects, name => Assert.Matches(TestAssemblies.NamePattern, $"{name}, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null"));
        Assert.DoesNotMatch(TestAssemblies.NamePattern, "Router, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null");
        Assert.DoesNotMatch(TestAssemblies.NamePattern, "Admission, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null");
    }
}
