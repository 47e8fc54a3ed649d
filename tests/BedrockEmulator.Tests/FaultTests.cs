using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class FaultTests(EmulatorHost host) : EmulatorTest(host)
{
    [Theory]
    [InlineData("outage", HttpStatusCode.ServiceUnavailable, "ServiceUnavailableException", "unavailable")]
    [InlineData("error-rate", HttpStatusCode.InternalServerError, "InternalServerException", "error")]
    [InlineData("throttle", HttpStatusCode.TooManyRequests, "ThrottlingException", "throttled")]
    [InlineData("model-not-ready", HttpStatusCode.TooManyRequests, "ModelNotReadyException", "model-not-ready")]
    public async Task A_failing_fault_answers_as_Bedrock_in_its_Region_only(string kind, HttpStatusCode status, string errorType, string outcome)
    {
        await Host.AddFaultAsync(new { kind, region = "us-east-1" });
        using var east = Host.SignedClient("us-east-1");
        using var west = Host.SignedClient("us-west-2");

        using var failed = await ConverseAsync(east, Sonnet);
        using var served = await ConverseAsync(west, Sonnet);

        Assert.Equal(status, failed.StatusCode);
        Assert.Equal(errorType, ErrorType(failed));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var log = await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations?region=us-east-1");
        Assert.Equal(outcome, Assert.Single(log!).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_fault_matches_its_model_and_account_also_through_a_profile()
    {
        await Host.AddFaultAsync(new { kind = "outage", model = Haiku, account = "secondary" });
        using var primary = Host.SignedClient("us-east-1");
        using var secondary = Host.SignedClient("us-east-1", EmulatorHost.SecondaryAccessKey, EmulatorHost.SecondarySecret);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ConverseAsync(secondary, "us." + Haiku)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ConverseAsync(secondary, Sonnet)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ConverseAsync(primary, Haiku)).StatusCode);
    }

    [Fact]
    public async Task A_throttle_storm_strikes_at_its_rate()
    {
        await Host.AddFaultAsync(new { kind = "throttle", rate = 0.5 });
        using var client = Host.SignedClient("us-east-2");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            statuses.Add((await ConverseAsync(client, NovaLite)).StatusCode);
        }

        Assert.InRange(statuses.Count(s => s == HttpStatusCode.TooManyRequests), 12, 48);
        Assert.Equal(60, statuses.Count(s => s is HttpStatusCode.TooManyRequests or HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_latency_spike_delays_the_answer()
    {
        await Host.AddFaultAsync(new { kind = "latency", latencyMs = 300, region = "us-west-2" });
        using var client = Host.SignedClient("us-west-2");

        var watch = Stopwatch.StartNew();
        (await ConverseAsync(client, Sonnet)).EnsureSuccessStatusCode();

        Assert.True(watch.ElapsedMilliseconds >= 290, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_hang_never_answers_and_is_logged_when_the_client_gives_up()
    {
        await Host.AddFaultAsync(new { kind = "hang" });
        using var client = Host.SignedClient("us-east-1");
        client.Timeout = TimeSpan.FromMilliseconds(300);

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => ConverseAsync(client, Sonnet));

        // The server notices the client left asynchronously: wait for the log entry.
        JsonElement[] log = [];
        for (var i = 0; i < 100 && log.Length == 0; i++)
        {
            await Task.Delay(20);
            log = (await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations"))!;
        }

        var outcome = Assert.Single(log).GetProperty("outcome").GetString();
        Assert.Equal("hung", outcome);
    }

    [Fact]
    public async Task A_stream_cut_ends_the_stream_with_a_modelStreamErrorException_after_N_events()
    {
        await Host.AddFaultAsync(new { kind = "stream-cut", afterEvents = 2 });
        using var client = Host.SignedClient("us-east-1");

        var frames = await FramesAsync(await ConverseAsync(client, Sonnet, stream: true));

        Assert.Equal(3, frames.Count);
        Assert.Equal(["messageStart", "contentBlockDelta"], frames.Take(2).Select(f => Header(f, ":event-type")));
        Assert.Equal("exception", Header(frames[2], ":message-type"));
        Assert.Equal("modelStreamErrorException", Header(frames[2], ":exception-type"));
        Assert.False(string.IsNullOrEmpty(Payload(frames[2]).GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_throttle_with_afterEvents_strikes_mid_stream()
    {
        await Host.AddFaultAsync(new { kind = "throttle", afterEvents = 1 });
        using var client = Host.SignedClient("us-east-1");

        var frames = await FramesAsync(await ConverseAsync(client, Sonnet, stream: true));

        Assert.Equal("throttlingException", Header(frames[^1], ":exception-type"));
        Assert.Equal(2, frames.Count);
    }

    [Fact]
    public async Task Faults_are_listed_removed_one_by_one_and_recovered_all_at_once()
    {
        var outage = await Host.AddFaultAsync(new { kind = "outage", region = "us-east-1" });
        await Host.AddFaultAsync(new { kind = "latency", latencyMs = 5 });
        Assert.Equal(2, (await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/faults"))!.Length);

        Assert.Equal(HttpStatusCode.NoContent, (await Host.Admin.DeleteAsync($"/admin/faults/{outage}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Admin.DeleteAsync($"/admin/faults/{outage}")).StatusCode);
        Assert.Single((await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/faults"))!);

        Assert.Equal(HttpStatusCode.NoContent, (await Host.Admin.DeleteAsync("/admin/faults")).StatusCode);
        Assert.Empty((await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/faults"))!);
    }

    [Theory]
    [InlineData("""{"region":"us-east-1"}""")]
    [InlineData("""{"kind":"outage","region":"mars-1"}""")]
    [InlineData("""{"kind":"outage","model":"gpt-5"}""")]
    [InlineData("""{"kind":"outage","account":"nobody"}""")]
    [InlineData("""{"kind":"throttle","rate":1.5}""")]
    [InlineData("""{"kind":"latency"}""")]
    public async Task Invalid_faults_are_refused(string json)
    {
        using var response = await Host.Admin.PostAsync("/admin/faults", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
