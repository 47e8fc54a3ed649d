using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Tests;

public class ScenarioCommandLineTests
{
    [Fact]
    public void Parses_a_scenario_with_its_options()
    {
        var command = ScenarioCommandLine.Parse(["sharding", "--strategy", "random", "--seed", "17", "--admin-key", "k"], out var error);

        Assert.Null(error);
        Assert.Equal(new ScenarioOptions("sharding", ShardingStrategy.Random, 17), command!.Options);
        Assert.Equal("k", command.AdminKey);
    }

    [Fact]
    public void Parses_the_outage_duration_in_seconds()
    {
        var command = ScenarioCommandLine.Parse(["outage", "--duration", "12"], out _);

        Assert.Equal(TimeSpan.FromSeconds(12), command!.Options.Duration);
        Assert.True(ScenarioCommandLine.IsScenarioCommand(["scenario", "outage"]));
        Assert.False(ScenarioCommandLine.IsScenarioCommand(["--urls", "http://localhost:5000"]));
    }

    [Theory]
    [InlineData("Name a scenario.")]
    [InlineData("Unknown scenario 'failover'.", "failover")]
    [InlineData("Invalid option '--strategy sideways'.", "sharding", "--strategy", "sideways")]
    [InlineData("'--duration' needs a value.", "outage", "--duration")]
    [InlineData("Invalid option '--duration 1'.", "outage", "--duration", "1")]
    public void Rejects_what_it_cannot_run(string expected, params string[] args)
    {
        Assert.Null(ScenarioCommandLine.Parse(args, out var error));
        Assert.Equal(expected, error);
    }
}
