using System.Xml.Linq;

namespace Switchyard.Architecture.Tests;

public class PackagePinTests
{
    [Fact]
    public void Every_pinned_package_is_referenced_by_a_project()
    {
        var packages = XDocument.Load(Path.Combine(TestAssemblies.RepositoryRoot, "Directory.Packages.props"));
        var projects = PackagePins.RepositoryProjects(TestAssemblies.RepositoryRoot).ToList();

        Assert.Contains(projects, project => project.Descendants("PackageReference").Any());
        var unused = PackagePins.Unused(packages, projects);
        Assert.True(unused.Count == 0, $"Pinned in Directory.Packages.props but referenced by no project: {string.Join(", ", unused)}");
    }

    [Fact]
    public void A_pin_no_project_references_is_named()
    {
        var packages = XDocument.Parse("""
            <Project>
              <ItemGroup>
                <PackageVersion Include="xunit" Version="2.9.3" />
                <PackageVersion Include="Polly.Core" Version="8.8.0" />
                <PackageVersion Include="Unused.Package" Version="1.0.0" />
              </ItemGroup>
            </Project>
            """);
        // Ids compare as NuGet compares them: without regard to case.
        var project = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <PackageReference Include="xunit" />
                <PackageReference Include="polly.core" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal(["Unused.Package"], PackagePins.Unused(packages, [project]));
    }
}
