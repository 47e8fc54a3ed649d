using Switchyard.SampleApp.Scenarios;
using Xunit.Abstractions;

namespace Switchyard.SampleApp.Tests;

/// <summary>
/// The six scenarios replayed against the whole topology, each asserting the table the reference sample
/// prints. Each scenario resets what it depends on, so the order does not matter. Each report goes to the
/// test output (<c>--logger "console;verbosity=detailed"</c>): docs/scenarios.md shows such runs.
/// </summary>
[Collection(nameof(ScenarioCollection))]
[Trait("Category", "Scenarios")]
public sealed class ScenarioTests(ScenarioTopology topology, ITestOutputHelper output)
{
    [Fact]
    public async Task Cross_region_inference_spreads_the_profile_over_several_regions()
    {
        var report = await Run(new ScenarioOptions(CrossRegionScenario.Name));

        var regions = report.Table(CrossRegionScenario.RegionsTable);
        Assert.StartsWith("10 of 10 successful", report.Verdict);
        Assert.Equal(10, regions.Rows.Sum(r => int.Parse(r[2])));
        Assert.True(regions.Rows.Count >= 2, report.ToString());
        Assert.All(regions.Rows, r => Assert.StartsWith("us-", r[0]));
    }

    [Theory]
    [InlineData(ShardingStrategy.RoundRobin)]
    [InlineData(ShardingStrategy.Split)]
    [InlineData(ShardingStrategy.Random)]
    public async Task Account_sharding_uses_both_accounts(ShardingStrategy strategy)
    {
        var report = await Run(new ScenarioOptions(ShardingScenario.Name, strategy, Seed: 5));

        var accounts = report.Table(ShardingScenario.AccountsTable);
        Assert.Equal(["primary", "secondary"], accounts.Rows.Select(r => r[0]));
        Assert.True(accounts.Rows.Sum(r => int.Parse(r[2])) == 20, report.ToString());
        Assert.Equal(["primary", "secondary"], report.Table(ShardingScenario.RegionsTable).Rows.Select(r => r[0]).Distinct());
        if (strategy != ShardingStrategy.Random)
        {
            Assert.All(accounts.Rows, r => Assert.Equal("10", r[1]));
        }
    }

    [Fact]
    public async Task Model_fallback_serves_three_on_sonnet_and_seven_on_the_haiku_fallback()
    {
        var report = await Run(new ScenarioOptions(FallbackScenario.Name));

        Assert.Equal("10 of 10 successful: 3 primary, 7 fallback.", report.Verdict);
        Assert.Equal(
        [
            ["PRIMARY", ReferenceNames.SonnetProfile, "sonnet-fallback-primary", FallbackScenario.ModelGroup, "3", "30 %"],
            ["FALLBACK", ReferenceNames.HaikuModel, "haiku-fallback-quota", FallbackScenario.FallbackGroup, "7", "70 %"],
            ["FAILED", "-", "-", "-", "0", "0 %"],
        ], report.Table(ModelUsageTable.Title).Rows);
    }

    [Fact]
    public async Task Load_balancing_serves_three_on_each_sonnet_and_four_haiku_overflow()
    {
        var report = await Run(new ScenarioOptions(LoadBalanceScenario.Name));

        Assert.Equal("10 of 10 successful: 6 on the primaries, 4 overflow.", report.Verdict);
        Assert.Equal(
        [
            ["PRIMARY", ReferenceNames.Sonnet45Profile, "sonnet-4-5-loadbalance", LoadBalanceScenario.ModelGroup, "3", "30 %"],
            ["PRIMARY", ReferenceNames.SonnetProfile, "sonnet-4-6-loadbalance", LoadBalanceScenario.ModelGroup, "3", "30 %"],
            ["FALLBACK", ReferenceNames.HaikuModel, "haiku-loadbalance-overflow", LoadBalanceScenario.OverflowGroup, "4", "40 %"],
            ["FAILED", "-", "-", "-", "0", "0 %"],
        ], report.Table(ModelUsageTable.Title).Rows);
    }

    [Fact]
    public async Task Quota_isolation_limits_only_the_noisy_tenant()
    {
        var report = await Run(new ScenarioOptions(QuotaIsolationScenario.Name));

        Assert.Equal("A 3 of 5 (2 rate limited), B 5 of 5, C 5 of 5.", report.Verdict);
        Assert.All(report.Table(QuotaIsolationScenario.TenantsTable).Rows, r => Assert.Equal(ReferenceNames.Sonnet45Profile, r[1]));
    }

    [Fact]
    public async Task A_region_outage_under_load_fails_no_request()
    {
        var report = await Run(new ScenarioOptions(RegionOutageScenario.Name, Duration: TimeSpan.FromSeconds(12)));

        var phases = report.Table(RegionOutageScenario.PhasesTable);
        Assert.EndsWith(", 0 failed.", report.Verdict);
        Assert.All(phases.Rows, r => Assert.True(int.Parse(r[1]) > 0, report.ToString()));
        Assert.Equal("0", phases.Cell("during", RegionOutageScenario.FailedRegion));
        Assert.Contains(phases.Columns, c => c is "us-east-2" or "us-west-2");
    }

    private async Task<ScenarioReport> Run(ScenarioOptions options)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var report = await ScenarioRunner.RunAsync(topology.Environment, options, timeout.Token);
        output.WriteLine(report.ToString());
        return report;
    }
}
