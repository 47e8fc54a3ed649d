namespace Switchyard.Architecture.Tests;

/// <summary>
/// One concept per file, the file named after it: a source file's top-level types are the one it is named after
/// (any arity) and <c>file</c>-local helpers. Two kinds of file are held to a rule of their own: <c>Program.cs</c>
/// (top-level statements, at most a <c>Program</c> class), and a protocol's wire contract, <c>*Wire.cs</c>, whose
/// records are one concept with the <c>JsonSerializerContext</c> that serializes them, which it must hold.
/// </summary>
internal static class SourceFileNaming
{
    /// <summary>What is wrong with the file at <paramref name="path"/> (relative, for the messages): nothing when empty.</summary>
    public static IEnumerable<string> Violations(string path, string source)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var named = SourceFileTypes.Find(source).Where(t => !t.FileLocal).ToList();
        if (stem.EndsWith("Wire", StringComparison.Ordinal))
        {
            if (!named.Any(t => t.Bases.Split(' ', ':', ',').Contains("JsonSerializerContext")))
            {
                yield return $"{path}: a wire contract without the JsonSerializerContext that serializes it";
            }

            yield break;
        }

        if (stem != "Program" && !named.Any(t => t.Name == stem))
        {
            yield return $"{path}: holds no type named {stem}";
        }

        foreach (var other in named.Where(t => t.Name != stem))
        {
            yield return $"{path}: holds {other.Name}, which belongs in {other.Name}.cs";
        }
    }

    /// <summary>The C# files of every production project: each project outside tests/ and bench/, less its build output.</summary>
    public static IEnumerable<string> ProductionSourceFiles()
    {
        var root = TestAssemblies.RepositoryRoot;
        return
            from project in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            let directory = Path.GetDirectoryName(project)!
            let relative = Path.GetRelativePath(root, directory)
            where !TestAssemblies.IsUnderTests(relative + Path.DirectorySeparatorChar)
                && relative.Split(Path.DirectorySeparatorChar)[0] != "bench"
                && !relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")
            from file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            where !Path.GetRelativePath(directory, file).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")
            select Path.GetRelativePath(root, file);
    }
}
