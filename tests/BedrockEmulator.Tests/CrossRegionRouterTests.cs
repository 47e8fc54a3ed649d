using Microsoft.Extensions.Options;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;
using Switchyard.BedrockEmulator.Quotas;

namespace Switchyard.BedrockEmulator.Tests;

public sealed class CrossRegionRouterTests
{
    private static readonly InferenceProfile UsNova = ModelCatalog.Profiles.Single(p => p.Id == "us." + BedrockCalls.NovaLite);

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));
    private readonly QuotaLimiter _quotas;
    private readonly FaultRegistry _faults;
    private readonly CrossRegionRouter _router;

    public CrossRegionRouterTests()
    {
        var options = Options.Create(new EmulatorOptions { Quotas = new EmulatorQuotaOptions { Overrides = [new QuotaOverride { Rpm = 100, Tpm = 10_000_000 }] } });
        _quotas = new QuotaLimiter(options, _time);
        _faults = new FaultRegistry(_time);
        _router = new CrossRegionRouter(_quotas, _faults, new EmulatorSettings(options));
    }

    [Fact]
    public void Profiles_cover_their_geography()
    {
        Assert.Equal(["us-east-1", "us-east-2", "us-west-2"], UsNova.Regions.Select(r => r.Name));
        Assert.Equal(["eu-west-1"], ModelCatalog.Profiles.Single(p => p.Id == "eu." + BedrockCalls.Sonnet).Regions.Select(r => r.Name));
        Assert.Equal(4, ModelCatalog.Profiles.Single(p => p.Id == "global." + BedrockCalls.Haiku).Regions.Length);
    }

    [Fact]
    public void Requests_spread_by_remaining_capacity()
    {
        Fill("us-east-1", 100); // full
        Fill("us-east-2", 50);  // half left; us-west-2 has all of it

        var counts = Picks(3000);

        Assert.Equal(0, counts.GetValueOrDefault("us-east-1"));
        var ratio = (double)counts["us-west-2"] / counts["us-east-2"];
        Assert.InRange(ratio, 1.6, 2.5); // weights 1 : 0.5
    }

    [Fact]
    public void With_capacity_everywhere_the_Regions_share_evenly()
    {
        var counts = Picks(3000);

        Assert.All(UsNova.Regions, r => Assert.InRange(counts[r.Name], 800, 1200));
    }

    [Fact]
    public void A_Region_under_outage_gets_nothing_while_another_is_up()
    {
        _faults.Add(FaultKind.Outage, "us-east-2", null, null, 1, 0, null, null);

        var counts = Picks(600);

        Assert.Equal(0, counts.GetValueOrDefault("us-east-2"));
        Assert.Equal(600, counts["us-east-1"] + counts["us-west-2"]);
    }

    [Fact]
    public void When_every_Region_is_full_one_is_still_chosen_to_answer_the_throttle()
    {
        foreach (var region in UsNova.Regions)
        {
            Fill(region.Name, 100);
        }

        Assert.Contains(_router.Pick(UsNova, "primary"), UsNova.Regions);
    }

    private void Fill(string region, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(QuotaVerdict.Granted, _quotas.Reserve("primary", region, UsNova.Model, 1, out _));
        }
    }

    private Dictionary<string, int> Picks(int count) =>
        Enumerable.Range(0, count).Select(_ => _router.Pick(UsNova, "primary").Name).CountBy(n => n).ToDictionary();
}
