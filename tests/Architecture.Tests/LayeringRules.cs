using System.Reflection;
using System.Text.RegularExpressions;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Slices;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// Builds the layering rules once, for the production assemblies and for the deliberately broken fixtures
/// alike, so the negative tests prove that the very rules CI runs catch a violation.
/// </summary>
internal static class LayeringRules
{
    /// <summary>
    /// No namespace below <paramref name="root"/> depends, directly or through others, on one that depends
    /// back on it. Every namespace is its own slice ("(**)"): Routing.Latency and Routing are two slices, not one.
    /// The root namespace itself (composition: service registration) is no slice and may use them all.
    /// </summary>
    public static IArchRule NamespacesFreeOfCycles(string root) =>
        SliceRuleDefinition.Slices().Matching(root + ".(**)").Should().BeFreeOfCycles();

    /// <summary>
    /// Types in the <paramref name="lower"/> namespaces (and below) use nothing of the <paramref name="upper"/>
    /// namespaces (and below): the dependency runs one way only.
    /// </summary>
    public static IArchRule NoDependency(string root, IEnumerable<string> lower, IEnumerable<string> upper, string because) =>
        Types().That().ResideInNamespaceMatching(Below(root, lower))
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(Below(root, upper)))
            .Because(because);

    /// <summary>No type of <paramref name="assemblies"/> uses a type of <paramref name="forbidden"/>: as good as no reference, since the compiler drops unused ones.</summary>
    public static IArchRule ReferencesNone(IReadOnlyList<Assembly> assemblies, IReadOnlyList<Assembly> forbidden, string because) =>
        Types().That().ResideInAssembly(assemblies[0], [.. assemblies.Skip(1)])
            .Should().NotDependOnAny(Types().That().ResideInAssembly(forbidden[0], [.. forbidden.Skip(1)]))
            .Because(because);

    /// <summary>
    /// No type of <paramref name="assemblies"/> uses a type of an assembly whose name matches
    /// <paramref name="assemblyNamePattern"/>; those need not be loaded (test assemblies are not), as
    /// ArchUnitNET records every referenced type with its assembly.
    /// </summary>
    public static IArchRule ReferencesNoAssemblyMatching(IReadOnlyList<Assembly> assemblies, string assemblyNamePattern, string because) =>
        Types().That().ResideInAssembly(assemblies[0], [.. assemblies.Skip(1)])
            .Should().NotDependOnAny(Types(includeReferenced: true).That().ResideInAssemblyMatching(assemblyNamePattern))
            .Because(because);

    /// <summary>A regular expression matching each of <paramref name="names"/> below <paramref name="root"/> and their sub-namespaces.</summary>
    public static string Below(string root, IEnumerable<string> names) =>
        $@"^{Regex.Escape(root)}\.({string.Join("|", names.Select(Regex.Escape))})(\..+)?$";
}
