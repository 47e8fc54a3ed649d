using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchyard.AppHost.Tests;

/// <summary>
/// The Router against the BedrockEmulator with faults injected live: each resilience behaviour the
/// Router promises, proven end to end through the real topology.
/// </summary>
[Collection(nameof(TopologyCollection))]
[Trait("Category", "Topology")]
public sealed class RouterResilienceTests(TopologyFixture topology) : IAsyncLifetime
{
    private const string MultiRegion = "claude-sonnet-multi-region";

    public Task InitializeAsync() => topology.ResetAsync();

    public Task DisposeAsync() => topology.ResetAsync();

    [Fact]
    public async Task A_region_outage_fails_over_with_zero_failed_requests()
    {
        await topology.InjectFaultAsync(new { kind = "outage", region = "us-east-1" });

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => topology.ChatAsync(MultiRegion)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses, r => Assert.NotEqual("us-east-1", Header(r, "x-switchyard-region")));
        Assert.Contains(responses, r => Header(r, "x-switchyard-region") is "us-east-2" or "us-west-2");
    }

    [Fact]
    public async Task Throttling_of_the_primary_model_falls_back_to_the_next_group()
    {
        await topology.InjectFaultAsync(new { kind = "throttle", model = "anthropic.claude-sonnet-4-6", rate = 1.0 });

        using var response = await topology.ChatAsync("claude-sonnet-fallback-demo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", Header(response, "x-switchyard-fallback"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("us.anthropic.claude-haiku-4-5-20251001-v1:0", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task The_breaker_opens_on_a_dead_region_then_closes_after_it_recovers()
    {
        var outage = await topology.InjectFaultAsync(new { kind = "outage", region = "us-east-1" });
        for (var i = 0; i < 40 && await BreakerOf("sonnet-us-east-1") != "Open"; i++)
        {
            (await topology.ChatAsync(MultiRegion)).Dispose();
        }

        Assert.Equal("Open", await BreakerOf("sonnet-us-east-1"));
        var before = await InvocationsIn("us-east-1");
        var whileOpen = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => topology.ChatAsync(MultiRegion)));
        Assert.All(whileOpen, r => Assert.Equal("1", Header(r, "x-switchyard-attempts"))); // the dead Region costs nothing
        Assert.Equal(before, await InvocationsIn("us-east-1"));

        (await topology.EmulatorAdmin.DeleteAsync($"/admin/faults/{outage}")).EnsureSuccessStatusCode();
        await Task.Delay(TimeSpan.FromSeconds(3.5)); // the break duration configured for tests
        var servedByRecovered = false;
        for (var i = 0; i < 30 && !servedByRecovered; i++)
        {
            using var response = await topology.ChatAsync(MultiRegion);
            servedByRecovered = Header(response, "x-switchyard-region") == "us-east-1";
        }

        Assert.True(servedByRecovered, "the recovered Region serves again");
        Assert.Equal("Closed", await BreakerOf("sonnet-us-east-1"));
    }

    [Fact]
    public async Task A_stream_fails_over_while_nothing_has_reached_the_client()
    {
        await topology.InjectFaultAsync(new { kind = "stream-cut", region = "us-east-1", afterEvents = 0 });

        for (var i = 0; i < 6; i++)
        {
            using var response = await topology.ChatAsync(MultiRegion, stream: true);
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual("us-east-1", Header(response, "x-switchyard-region"));
            Assert.EndsWith("data: [DONE]\n\n", text);
        }
    }

    [Fact]
    public async Task A_stream_broken_after_tokens_were_sent_ends_with_an_explicit_error()
    {
        await topology.InjectFaultAsync(new { kind = "stream-cut", model = "anthropic.claude-sonnet-4-6", afterEvents = 4 });

        using var response = await topology.ChatAsync(MultiRegion, stream: true);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(events, e => e.Contains("\"delta\""));
        Assert.DoesNotContain("data: [DONE]", events);
        var last = JsonDocument.Parse(events[^1]["data: ".Length..]).RootElement;
        Assert.Equal("stream_interrupted", last.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Client_errors_are_never_retried()
    {
        using var response = await topology.ChatAsync("no-such-group");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    private async Task<string?> BreakerOf(string deployment)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/deployments");
        request.Headers.Authorization = new("Bearer", TopologyFixture.AdminKey);
        using var response = await topology.Router.SendAsync(request);
        var deployments = await response.Content.ReadFromJsonAsync<JsonElement>();
        return deployments.EnumerateArray().Single(d => d.GetProperty("name").GetString() == deployment).GetProperty("breaker").GetString();
    }

    private async Task<int> InvocationsIn(string region) =>
        (await topology.EmulatorAdmin.GetFromJsonAsync<JsonElement>($"/admin/invocations?region={region}&limit=100000")).GetArrayLength();

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;
}
