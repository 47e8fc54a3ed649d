namespace Switchyard.Bench;

/// <summary>Command line: <c>[--smoke] [--only overhead,goodput,...] [--router-variant label:KEY=VALUE;KEY=VALUE]...</c>.</summary>
/// <param name="RouterVariants">
/// Extra Routers for the overhead scenario, each the bench's Router with these environment variables added, measured
/// as "router (label)" beside it in every round: an A/B of a setting in one run, where the machine's drift hits both alike.
/// </param>
public sealed record BenchOptions(bool Smoke, IReadOnlySet<string> Only, string RepoRoot, IReadOnlyList<RouterVariant> RouterVariants)
{
    public string ResultsDirectory => Path.Combine(RepoRoot, "bench", "results", "raw");

    public string DocPath => Path.Combine(RepoRoot, "docs", "benchmarks.md");

    public string ImagesDirectory => Path.Combine(RepoRoot, "docs", "images");

    /// <summary>Only a full run of every scenario rewrites docs/benchmarks.md; smoke and partial runs write raw results only.</summary>
    public bool WritesDoc => !Smoke && Only.Count == 0 && RouterVariants.Count == 0;

    public bool Runs(string scenario) => Only.Count == 0 || Only.Contains(scenario);

    /// <summary>Scales a full-run duration down to the smoke run's few seconds.</summary>
    public TimeSpan Duration(double fullSeconds, double smokeSeconds = 0.5) => TimeSpan.FromSeconds(Smoke ? smokeSeconds : fullSeconds);

    public static BenchOptions Parse(string[] args)
    {
        var smoke = false;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var routerVariants = new List<RouterVariant>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--only" when i + 1 < args.Length:
                    only.UnionWith(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--router-variant" when i + 1 < args.Length:
                    routerVariants.Add(RouterVariant.Parse(args[++i]));
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--smoke] [--only overhead,goodput,quota,noisy,scale,response-time] [--router-variant label:KEY=VALUE;KEY=VALUE]...");
            }
        }

        // A variant changes what the run measures: such a run never rewrites docs/benchmarks.md.
        return new BenchOptions(smoke, only, FindRepoRoot(), routerVariants);
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Aspire.sln not found above " + AppContext.BaseDirectory);
    }
}
