namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Reference pattern 2: 20 concurrent requests over two accounts, each with its own quotas and its own
/// cross-Region routing; a table per account and the Regions each used.
/// </summary>
public static class ShardingScenario
{
    public const string Name = "sharding";
    public const int Requests = 20;
    public const string ShardedGroup = "claude-sonnet-sharded";
    public const string AccountsTable = "Requests per account";
    public const string RegionsTable = "Regions used per account";

    private static readonly (string Account, string ModelGroup)[] Shards =
        [("primary", "claude-sonnet-shard-primary"), ("secondary", "claude-sonnet-shard-secondary")];

    public static string Label(ShardingStrategy strategy) => strategy switch
    {
        ShardingStrategy.RoundRobin => "round-robin",
        ShardingStrategy.Split => "split",
        _ => "random",
    };

    public static bool TryParse(string value, out ShardingStrategy strategy)
    {
        var found = Enum.GetValues<ShardingStrategy>().Where(s => Label(s) == value).ToList();
        strategy = found.FirstOrDefault();
        return found.Count == 1;
    }

    /// <summary>The requests of a strategy; each labelled with the account it targets, or none when the Router picks.</summary>
    public static PlannedRequest[] Plan(ShardingStrategy strategy, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Requests).Select(i => strategy switch
        {
            ShardingStrategy.RoundRobin => new PlannedRequest(ShardedGroup, ReferenceNames.DemoKey),
            ShardingStrategy.Split => Shard(i < Requests / 2 ? 0 : 1),
            _ => Shard(random.Next(Shards.Length)),
        })];
    }

    public static async Task<ScenarioReport> RunAsync(ScenarioEnvironment environment, ShardingStrategy strategy, int seed, CancellationToken cancellationToken)
    {
        await environment.ResetAsync(cancellationToken);
        var since = environment.Time.GetUtcNow();
        var results = await environment.SendConcurrentlyAsync(Plan(strategy, seed), cancellationToken);
        return Report(strategy, seed, results, await environment.InvocationsSinceAsync(since, cancellationToken));
    }

    public static ScenarioReport Report(ShardingStrategy strategy, int seed, IReadOnlyList<RequestResult> results, IReadOnlyList<EmulatorInvocation> invocations)
    {
        var accounts = results.GroupBy(r => r.ServedBy?.Account ?? r.Request.Label ?? "unrouted").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)
            [
                g.Key, Cells.Count(g.Count()), Cells.Count(g.Count(r => r.Succeeded)), Cells.Count(g.Count(r => !r.Succeeded)),
                Cells.Percent(g.Count(r => r.Succeeded), g.Count()), Cells.Milliseconds(g.Select(r => r.Elapsed)),
            ]);
        var regions = invocations.Where(i => i.Succeeded && i.RequestedModel == ReferenceNames.SonnetProfile)
            .GroupBy(i => (Account: i.Account ?? "-", i.Region)).OrderBy(g => g.Key.Account, StringComparer.Ordinal).ThenBy(g => g.Key.Region, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Key.Account, g.Key.Region, Cells.Count(g.Count())]);
        var seedNote = strategy == ShardingStrategy.Random ? $" (seed {seed})" : "";
        return new ScenarioReport(Name, $"Account sharding: {results.Count} concurrent requests, strategy {Label(strategy)}{seedNote}",
            $"{results.Count(r => r.Succeeded)} of {results.Count} successful over {results.Where(r => r.Succeeded).Select(r => r.ServedBy?.Account).Distinct().Count()} account(s).",
            [
                Cells.Requests(results),
                new TextTable(AccountsTable, ["Account", "Total", "Success", "Failed", "Success rate", "Avg time"], [.. accounts]),
                new TextTable(RegionsTable, ["Account", "Region", "Invocations"], [.. regions]),
            ],
            [
                "Dashboard: the Router's request spans carry switchyard.account; each account has its own quota windows in the emulator.",
                .. results.Where(r => !r.Succeeded).Select(r => $"Request {r.Index} failed with {r.StatusCode}: {r.Error}"),
            ]);
    }

    private static PlannedRequest Shard(int index) => new(Shards[index].ModelGroup, ReferenceNames.DemoKey, Shards[index].Account);
}
