using System.Xml.Linq;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// The central package pins (Directory.Packages.props) that no project references. A pin only a transitive
/// dependency needs is still reported: each pin must be named by the project that needs it.
/// </summary>
internal static class PackagePins
{
    public static IReadOnlyList<string> Unused(XDocument packages, IEnumerable<XDocument> projects)
    {
        // NuGet package ids are case-insensitive.
        var referenced = projects
            .SelectMany(project => project.Descendants("PackageReference"))
            .Select(reference => reference.Attribute("Include")?.Value)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        return packages.Descendants("PackageVersion")
            .Select(pin => pin.Attribute("Include")?.Value ?? throw new InvalidOperationException($"A PackageVersion without Include: {pin}"))
            .Where(id => !referenced.Contains(id))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Every project of the repository (services, bench/, tests/) and the MSBuild files they all import.</summary>
    public static IEnumerable<XDocument> RepositoryProjects(string root) =>
        Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(path => Path.GetExtension(path) is ".csproj" or ".props" or ".targets"
                && Path.GetFileName(path) != "Directory.Packages.props"
                && !Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or ".git"))
            .Select(path => XDocument.Load(path));
}
