using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Router.Configuration;
using Switchyard.Router.Routing;
using Switchyard.Router.Routing.Latency;
using Switchyard.Router.Tests.Routing;

namespace Switchyard.Router.Tests.Latency;

/// <summary>What a stream's reader feeds the deployment's latency model: every gap between updates, and the output rate of a whole stream only.</summary>
public sealed class LatencyObserverTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Each_gap_between_updates_is_recorded_and_a_whole_stream_gives_its_reported_output_rate()
    {
        var deployment = Deployment();
        var observer = new LatencyObserver(deployment, _clock);

        observer.Observe(Text("a"));
        for (var i = 0; i < 9; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            observer.Observe(Text("b"));
        }

        observer.Observe(new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { OutputTokenCount = 90 })] });
        observer.Observe(null);
        observer.Observe(null);

        var latency = deployment.State.Latency;
        Assert.Equal(10, latency.UpdateGapMs.Count); // 9 gaps of 100 ms and 1 of 0 ms before the usage
        Assert.InRange(latency.UpdateGapMs.Quantile(0.5)!.Value, 100 / 1.03, 100 * 1.03);
        // 90 tokens over the 0.9 s from the first update to the last, counted once however often the end is observed.
        Assert.Equal(1, latency.OutputTokensPerSecond.Count);
        Assert.InRange(latency.OutputTokensPerSecond.Quantile(0.5)!.Value, 100 / 1.03, 100 * 1.03);
    }

    [Fact]
    public void A_stream_that_did_not_end_gives_no_output_rate()
    {
        var deployment = Deployment();
        var observer = new LatencyObserver(deployment, _clock);

        observer.Observe(Text("a"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        observer.Observe(Text("b"));

        Assert.Equal(1, deployment.State.Latency.UpdateGapMs.Count);
        Assert.Equal(0, deployment.State.Latency.OutputTokensPerSecond.Count);
    }

    private Deployment Deployment()
    {
        var template = TestDeployments.Create("observed");
        return new Deployment(template.Name, template.Options, template.Provider, template.Client,
            new DeploymentState(template.Name, new CircuitBreakerOptions(), (_, _) => { }, _clock));
    }

    private static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text);
}
