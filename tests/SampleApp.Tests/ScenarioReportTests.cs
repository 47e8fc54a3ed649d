using Switchyard.SampleApp.Scenarios;
using static Switchyard.SampleApp.Tests.Recorded;

namespace Switchyard.SampleApp.Tests;

/// <summary>Each scenario's tables, aggregated from recorded per-request results like those of the reference runs.</summary>
public class ScenarioReportTests
{
    [Fact]
    public void Cross_region_counts_invocations_per_served_region_from_the_emulator_log()
    {
        var results = Enumerable.Range(1, 10).Select(i => Ok(i, CrossRegionScenario.ModelGroup, Served("sonnet-cris-primary"))).ToList();
        string[] regions = ["us-east-1", "us-east-1", "us-east-1", "us-east-2", "us-east-2", "us-east-2", "us-east-2", "us-east-2", "us-west-2", "us-west-2"];
        var invocations = regions.Select(r => Invocation(r)).Append(Invocation("us-west-2", outcome: "throttled"))
            .Append(Invocation("us-east-1") with { RequestedModel = "anthropic.claude-sonnet-4-6" }).ToList();

        var report = CrossRegionScenario.Report(results, invocations);

        var table = report.Table(CrossRegionScenario.RegionsTable);
        Assert.Equal(["us-east-1", "3", "3", "27.3 %"], table.Rows[0]);
        Assert.Equal("5", table.Cell("us-east-2", "Invocations"));
        Assert.Equal("3", table.Cell("us-west-2", "Invocations"));
        Assert.Equal("2", table.Cell("us-west-2", "Succeeded"));
        Assert.Equal("10 of 10 successful, served from 3 Region(s).", report.Verdict);
    }

    [Fact]
    public void Sharding_tables_per_account_with_failures_counted_against_the_targeted_account()
    {
        var results = new List<RequestResult>
        {
            Ok(1, "claude-sonnet-shard-primary", Served("sonnet-cris-primary"), label: "primary", elapsedMs: 1000),
            Ok(2, "claude-sonnet-shard-primary", Served("sonnet-cris-primary"), label: "primary", elapsedMs: 3000),
            Ok(3, "claude-sonnet-shard-secondary", Served("sonnet-cris-secondary", account: "secondary"), label: "secondary"),
            Failed(4, "claude-sonnet-shard-secondary", 429, label: "secondary"),
        };
        List<EmulatorInvocation> invocations = [Invocation("us-east-1"), Invocation("us-west-2"), Invocation("us-east-2", "secondary"), Invocation("us-east-2", "secondary", "throttled")];

        var report = ShardingScenario.Report(ShardingStrategy.Split, 7, results, invocations);

        var accounts = report.Table(ShardingScenario.AccountsTable);
        Assert.Equal(["primary", "2", "2", "0", "100 %", "2000 ms"], accounts.Rows[0]);
        Assert.Equal(["secondary", "2", "1", "1", "50 %", "425 ms"], accounts.Rows[1]);
        var regions = report.Table(ShardingScenario.RegionsTable);
        Assert.Equal([["primary", "us-east-1", "1"], ["primary", "us-west-2", "1"], ["secondary", "us-east-2", "1"]], regions.Rows);
        Assert.Equal("3 of 4 successful over 2 account(s).", report.Verdict);
        Assert.DoesNotContain("seed", report.Title);
    }

    [Fact]
    public void Sharding_round_robin_takes_the_account_from_the_router_and_random_names_its_seed()
    {
        var results = new List<RequestResult>
        {
            Ok(1, ShardingScenario.ShardedGroup, Served("sonnet-cris-primary")),
            Ok(2, ShardingScenario.ShardedGroup, Served("sonnet-cris-secondary", account: "secondary")),
            Failed(3, ShardingScenario.ShardedGroup, 503),
        };

        var roundRobin = ShardingScenario.Report(ShardingStrategy.RoundRobin, 1, results, []);
        var random = ShardingScenario.Report(ShardingStrategy.Random, 1234, results, []);

        Assert.Equal(["primary", "secondary", "unrouted"], roundRobin.Table(ShardingScenario.AccountsTable).Rows.Select(r => r[0]));
        Assert.Contains("strategy random (seed 1234)", random.Title);
    }

    [Fact]
    public void Sharding_plans_each_strategy_over_both_accounts()
    {
        var split = ShardingScenario.Plan(ShardingStrategy.Split, 0);
        var random = ShardingScenario.Plan(ShardingStrategy.Random, 99);

        Assert.All(ShardingScenario.Plan(ShardingStrategy.RoundRobin, 0), r => Assert.Equal(ShardingScenario.ShardedGroup, r.ModelGroup));
        Assert.All(split.Take(10), r => Assert.Equal("claude-sonnet-shard-primary", r.ModelGroup));
        Assert.All(split.Skip(10), r => Assert.Equal("claude-sonnet-shard-secondary", r.ModelGroup));
        Assert.Equal(random, ShardingScenario.Plan(ShardingStrategy.Random, 99));
        Assert.Equal(2, random.Select(r => r.Label).Distinct().Count());
        Assert.All([.. split, .. random], r => Assert.Equal(r.Label == "primary" ? "claude-sonnet-shard-primary" : "claude-sonnet-shard-secondary", r.ModelGroup));
    }

    [Fact]
    public void Fallback_tells_primary_from_fallback_by_the_response_model()
    {
        // The fallback answers' headers still name Sonnet: the reference reads only the body's model.
        var results = Enumerable.Range(1, 3).Select(i => Ok(i, FallbackScenario.ModelGroup, Served("sonnet-fallback-primary", modelGroup: FallbackScenario.ModelGroup)))
            .Concat(Enumerable.Range(4, 6).Select(i => Ok(i, FallbackScenario.ModelGroup,
                Served("haiku-fallback-quota", modelGroup: FallbackScenario.FallbackGroup, fallback: true), ReferenceNames.HaikuModel)))
            .Append(Failed(10, FallbackScenario.ModelGroup, 503))
            .ToList();

        var report = FallbackScenario.Report(results);

        var table = report.Table(ModelUsageTable.Title);
        Assert.Equal(["Type", "Model", "Deployment", "Model group", "Requests", "Share"], table.Columns);
        Assert.Equal(
        [
            ["PRIMARY", ReferenceNames.SonnetProfile, "sonnet-fallback-primary", FallbackScenario.ModelGroup, "3", "30 %"],
            ["FALLBACK", ReferenceNames.HaikuModel, "haiku-fallback-quota", FallbackScenario.FallbackGroup, "6", "60 %"],
            ["FAILED", "-", "-", "-", "1", "10 %"],
        ], table.Rows);
        Assert.Equal("9 of 10 successful: 3 primary, 6 fallback.", report.Verdict);
        Assert.Equal(10, report.Table("Requests").Rows.Count);
    }

    [Fact]
    public void Load_balancing_counts_per_model_served_and_calls_haiku_answers_overflow()
    {
        var results = new List<RequestResult>
        {
            Ok(1, LoadBalanceScenario.ModelGroup, Served("sonnet-4-6-loadbalance", modelGroup: LoadBalanceScenario.ModelGroup)),
            Ok(2, LoadBalanceScenario.ModelGroup, Served("sonnet-4-5-loadbalance", model: ReferenceNames.Sonnet45Profile, modelGroup: LoadBalanceScenario.ModelGroup)),
            Ok(3, LoadBalanceScenario.ModelGroup, Served("sonnet-4-6-loadbalance", modelGroup: LoadBalanceScenario.ModelGroup)),
            Ok(4, LoadBalanceScenario.ModelGroup, Served("haiku-loadbalance-overflow", model: ReferenceNames.HaikuModel, modelGroup: LoadBalanceScenario.OverflowGroup, fallback: true)),
            Failed(5, LoadBalanceScenario.ModelGroup, 429),
        };

        var report = LoadBalanceScenario.Report(results);

        Assert.Equal(
        [
            ["PRIMARY", ReferenceNames.Sonnet45Profile, "sonnet-4-5-loadbalance", LoadBalanceScenario.ModelGroup, "1", "20 %"],
            ["PRIMARY", ReferenceNames.SonnetProfile, "sonnet-4-6-loadbalance", LoadBalanceScenario.ModelGroup, "2", "40 %"],
            ["FALLBACK", ReferenceNames.HaikuModel, "haiku-loadbalance-overflow", LoadBalanceScenario.OverflowGroup, "1", "20 %"],
            ["FAILED", "-", "-", "-", "1", "20 %"],
        ], report.Table(ModelUsageTable.Title).Rows);
        Assert.Equal("4 of 5 successful: 3 on the primaries, 1 overflow.", report.Verdict);
    }

    [Theory]
    [InlineData(ReferenceNames.HaikuModel, true)]
    [InlineData("anthropic.Claude-Haiku-4-5-20251001-v1:0", true)]
    [InlineData(ReferenceNames.Sonnet45Profile, false)]
    [InlineData(ReferenceNames.SonnetProfile, false)]
    [InlineData(null, false)]
    public void A_fallback_is_any_answer_whose_model_contains_haiku(string? model, bool fallback) =>
        Assert.Equal(fallback, ReferenceNames.IsFallbackModel(model));

    [Fact]
    public void Quota_isolation_counts_rate_limits_per_tenant_and_names_the_model_served()
    {
        var results = ReferenceNames.Tenants.SelectMany(t => Enumerable.Range(1, 5).Select(i => (t, i) switch
        {
            ({ Name: "A" }, > 3) => Failed(i, t.ModelGroup, 429, t.Name),
            ({ Name: "C" }, 5) => Failed(i, t.ModelGroup, 503, t.Name),
            _ => Ok(i, t.ModelGroup, Served($"sonnet-consumer-{t.Name.ToLowerInvariant()}", model: ReferenceNames.Sonnet45Profile, modelGroup: t.ModelGroup),
                label: t.Name, elapsedMs: 600 + 100 * i),
        })).ToList();

        var report = QuotaIsolationScenario.Report(results);

        var table = report.Table(QuotaIsolationScenario.TenantsTable);
        Assert.Equal(["Tenant", "Model", "Sent", "Succeeded", "Rate limited", "Other failures", "Success rate", "Avg time"], table.Columns);
        Assert.Equal(["A", ReferenceNames.Sonnet45Profile, "5", "3", "2", "0", "60 %", "800 ms"], table.Rows[0]);
        Assert.Equal(["B", ReferenceNames.Sonnet45Profile, "5", "5", "0", "0", "100 %", "900 ms"], table.Rows[1]);
        Assert.Equal(["C", ReferenceNames.Sonnet45Profile, "5", "4", "0", "1", "80 %", "850 ms"], table.Rows[2]);
        Assert.Equal("A 3 of 5 (2 rate limited), B 5 of 5, C 4 of 5.", report.Verdict);
    }

    [Fact]
    public void Outage_shows_served_regions_per_phase_by_request_start()
    {
        var injected = T0.AddSeconds(20);
        var cleared = T0.AddSeconds(40);
        var results = new List<RequestResult>
        {
            Ok(1, RegionOutageScenario.ModelGroup, Served("sonnet-us-east-1"), seconds: 1),
            Ok(2, RegionOutageScenario.ModelGroup, Served("sonnet-us-east-2", region: "us-east-2"), seconds: 5),
            Ok(3, RegionOutageScenario.ModelGroup, Served("sonnet-us-west-2", region: "us-west-2", attempts: 2), seconds: 20.5),
            Ok(4, RegionOutageScenario.ModelGroup, Served("nova-lite-us-east-2", region: "us-east-2", model: "amazon.nova-lite-v1:0", attempts: 4, fallback: true), seconds: 30),
            Ok(5, RegionOutageScenario.ModelGroup, Served("sonnet-us-east-1"), seconds: 45),
            Failed(6, RegionOutageScenario.ModelGroup, 503, seconds: 50),
        };

        var report = RegionOutageScenario.Report(TimeSpan.FromSeconds(60), results, injected, cleared);

        var table = report.Table(RegionOutageScenario.PhasesTable);
        Assert.Equal(["Phase", "Requests", "Failed", "us-east-1", "us-east-2", "us-west-2", "Fallbacks", "Avg attempts"], table.Columns);
        Assert.Equal(["before", "2", "0", "1", "1", "0", "0", "1.00"], table.Rows[0]);
        Assert.Equal(["during", "2", "0", "0", "1", "1", "1", "3.00"], table.Rows[1]);
        Assert.Equal(["after", "2", "1", "1", "0", "0", "0", "1.00"], table.Rows[2]);
        Assert.Equal("5 of 6 successful, 1 failed.", report.Verdict);
        Assert.Contains("us-east-1 down from 19 s to 39 s", report.Title);
    }

    [Fact]
    public void Tables_print_with_aligned_columns()
    {
        var table = new TextTable("Invocations per Region", ["Region", "Invocations"], [["us-east-1", "3"], ["us-west-2", "12"]]);

        Assert.Equal(
            """
            Invocations per Region
            Region    | Invocations
            ----------+------------
            us-east-1 | 3
            us-west-2 | 12

            """.ReplaceLineEndings(), table.ToString());
    }
}
