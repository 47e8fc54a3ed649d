using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// Finds cycles between folders: namespaces cut to their first <c>depth</c> segments below a root, each
/// taking in everything below it. ArchUnitNET 0.13.5's slices cannot group sub-namespaces (a pattern
/// "Root.(*).." still makes every namespace its own slice), so the folders' dependency graph is built here
/// from the types' dependencies as ArchUnitNET reads them, and a cycle is a set of folders that reach each other.
/// </summary>
internal static class FolderCycles
{
    /// <summary>How many type-level dependencies the report names for each folder-to-folder edge of a cycle.</summary>
    private const int ExamplesPerEdge = 5;

    public static IArchRule Rule(string root, int depth, string description) =>
        new CustomArchRule((architecture, rule) => Evaluate(architecture, rule, root, depth), description);

    private static IEnumerable<EvaluationResult> Evaluate(ArchUnitNET.Domain.Architecture architecture, IArchRule rule, string root, int depth)
    {
        // folder -> folder it uses -> the type-level dependencies that make the edge
        var edges = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            if (FolderOf(type.Namespace?.FullName, root, depth) is not { } from)
            {
                continue;
            }

            var uses = edges.TryGetValue(from, out var found) ? found : edges[from] = new(StringComparer.Ordinal);
            // A generic parameter is no dependency on its declarer's folder; ArchUnitNET 0.13.5 can also hand one
            // type's T to another type whose T has the same constraints (RequestJson.TryParse<T> and LogsHandler.Read<T>).
            foreach (var target in type.Dependencies.Select(d => d.Target).Where(t => t is not GenericParameter).Distinct())
            {
                if (FolderOf(target.Namespace?.FullName, root, depth) is { } to && to != from)
                {
                    (uses.TryGetValue(to, out var examples) ? examples : uses[to] = []).Add($"{type.FullName} -> {target.FullName}");
                }
            }
        }

        if (edges.Count == 0)
        {
            yield return new EvaluationResult(root, new StringIdentifier(root), false, $"No folders below {root}: the rule checks nothing.", rule, architecture);
            yield break;
        }

        var reach = edges.Keys.ToDictionary(f => f, f => Reachable(f, edges), StringComparer.Ordinal);
        var cycles = edges.Keys
            .Select(f => edges.Keys.Where(g => reach[f].Contains(g) && reach[g].Contains(f)).Order(StringComparer.Ordinal).ToList())
            .Where(cycle => cycle.Count > 1)
            .DistinctBy(cycle => string.Join("|", cycle))
            .ToList();

        foreach (var cycle in cycles)
        {
            var report = new List<string> { $"Cycle found between {string.Join(", ", cycle)}:" };
            foreach (var from in cycle)
            {
                foreach (var (to, examples) in edges[from].Where(e => cycle.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    report.Add($"{from} -> {to}");
                    report.AddRange(examples.Distinct().Order(StringComparer.Ordinal).Take(ExamplesPerEdge).Select(e => "\t" + e));
                }
            }

            var name = string.Join(", ", cycle);
            yield return new EvaluationResult(cycle, new StringIdentifier(name), false, string.Join(Environment.NewLine, report), rule, architecture);
        }

        if (cycles.Count == 0)
        {
            yield return new EvaluationResult(edges.Keys, new StringIdentifier(root), true, $"The folders below {root} are free of cycles.", rule, architecture);
        }
    }

    /// <summary>The folder of a namespace below <paramref name="root"/>, or null when it is not that far below it.</summary>
    private static string? FolderOf(string? ns, string root, int depth)
    {
        if (ns is null || !ns.StartsWith(root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var segments = ns[(root.Length + 1)..].Split('.');
        return segments.Length < depth ? null : string.Join('.', segments.Take(depth));
    }

    private static HashSet<string> Reachable(string start, Dictionary<string, Dictionary<string, List<string>>> edges)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([start]);
        while (pending.TryPop(out var folder))
        {
            if (!edges.TryGetValue(folder, out var uses))
            {
                continue;
            }

            foreach (var next in uses.Keys)
            {
                if (seen.Add(next))
                {
                    pending.Push(next);
                }
            }
        }

        return seen;
    }
}
