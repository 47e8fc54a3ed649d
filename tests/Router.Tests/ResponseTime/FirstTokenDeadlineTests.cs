using System.Diagnostics;
using System.Text.Json;

namespace Switchyard.Router.Tests.ResponseTime;

/// <summary>A deployment that hangs is abandoned at its own first-token deadline, streamed or not, well before the 30 s attempt timeout.</summary>
[Collection(EmulatedRegionsCollection.Name)]
public sealed class FirstTokenDeadlineTests(EmulatedRegionsHost host) : IAsyncLifetime
{
    // The shipped attempt timeout: what a hung attempt took before adaptive deadlines.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    public async Task InitializeAsync()
    {
        await host.ResetAsync();
        await host.WarmUpAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_hung_deployment_is_abandoned_at_its_first_token_deadline_and_the_request_fails_over(bool stream)
    {
        var deadline = host.State("us-east-1").Latency.FirstTokenDeadline(
            new Configuration.ResponseTimeOptions { MinSamples = 5, FirstToken = { Floor = TimeSpan.FromSeconds(2), Default = TimeSpan.FromSeconds(2), Ceiling = TimeSpan.FromSeconds(20) } },
            AttemptTimeout);
        await host.Bedrock.AddFaultAsync(new { kind = "hang", region = "us-east-1" });

        var watch = Stopwatch.StartNew();
        using var response = await host.SendAsync(EmulatedRegionsHost.WarmGroup, stream);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();

        response.EnsureSuccessStatusCode();
        Assert.Equal(EmulatedRegionsHost.DeploymentIn("us-east-2"), response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.Equal("2", response.Headers.GetValues("x-switchyard-attempts").Single());
        // The deadline came from the history (a healthy first token takes ~0.1 s here, more on a busy machine:
        // FirstToken:Multiplier x its p99, at least the 2 s floor), and the whole request took about that plus one healthy answer:
        // a small share of the attempt timeout.
        Assert.InRange(deadline, TimeSpan.FromSeconds(2), AttemptTimeout / 8);
        Assert.True(watch.Elapsed >= deadline, $"took {watch.Elapsed}, before the deadline {deadline}");
        Assert.True(watch.Elapsed < AttemptTimeout / 4, $"took {watch.Elapsed}");
        if (!stream)
        {
            // Assembled from the upstream stream, the answer keeps the shape a whole answer has.
            var answer = JsonDocument.Parse(body).RootElement;
            Assert.Equal("chat.completion", answer.GetProperty("object").GetString());
            Assert.Equal("anthropic.claude-sonnet-4-6", answer.GetProperty("model").GetString());
            var choice = answer.GetProperty("choices")[0];
            Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
            Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("message").GetProperty("content").GetString()));
            Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
            var usage = answer.GetProperty("usage");
            Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
            Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0);
            Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        }
        else
        {
            Assert.EndsWith("data: [DONE]\n\n", body);
        }

        // The abandoned attempt counted as a timeout: the emulator saw the hung call end when the Router let go.
        Assert.Contains("hung", await WaitForOutcomesAsync("us-east-1", outcomes => outcomes.Contains("hung")));
    }

    [Fact]
    public async Task Without_history_the_configured_default_deadline_applies()
    {
        await host.ResetAsync(); // history gone: the 2 s default applies
        await host.Bedrock.AddFaultAsync(new { kind = "hang", region = "us-east-1" });

        var watch = Stopwatch.StartNew();
        using var response = await host.SendAsync(EmulatedRegionsHost.WarmGroup, stream: true);
        await response.Content.ReadAsStringAsync();

        response.EnsureSuccessStatusCode();
        Assert.Equal(EmulatedRegionsHost.DeploymentIn("us-east-2"), response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2), AttemptTimeout / 4);
    }

    private async Task<IReadOnlyList<string>> WaitForOutcomesAsync(string region, Func<IReadOnlyList<string>, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var outcomes = await host.Bedrock.InvocationOutcomesAsync(region);
            if (done(outcomes) || DateTime.UtcNow > until)
            {
                return outcomes;
            }

            await Task.Delay(50);
        }
    }
}
