using System.Reflection;
using System.Text.RegularExpressions;
using ArchUnitNET.Fluent;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// Builds the layering rules once, for the production assemblies and for the deliberately broken fixtures
/// alike, so the negative tests prove that the very rules CI runs catch a violation.
/// </summary>
internal static class LayeringRules
{
    /// <summary>
    /// No folder below <paramref name="root"/> (a namespace with everything below it: Routing takes in
    /// Routing.Latency and Routing.Strategies) depends, directly or through others, on a folder that depends
    /// back on it. The root namespace itself (composition: service registration) is in no folder and may use them all.
    /// </summary>
    public static IArchRule FoldersFreeOfCycles(string root) => FoldersFreeOfCycles(root, depth: 1);

    /// <summary>
    /// Within each folder below <paramref name="root"/>, no cycles between its sub-folders (Routing.Latency and
    /// Routing.Strategies; Providers.Bedrock and Providers.OpenAICompatible). A sub-folder may use its parent's
    /// types and the parent its sub-folders': they are one folder to the rest.
    /// </summary>
    public static IArchRule SubfoldersFreeOfCycles(string root) => FoldersFreeOfCycles(root, depth: 2);

    /// <summary>
    /// No cycles between the namespaces <paramref name="depth"/> levels below <paramref name="root"/>, each taking
    /// in everything below it; those less deep are in no folder at that level.
    /// </summary>
    public static IArchRule FoldersFreeOfCycles(string root, int depth) =>
        FolderCycles.Rule(root, depth, depth == 1
            ? $"Folders below {root} should be free of cycles"
            : $"Sub-folders {depth} levels below {root} should be free of cycles");

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
