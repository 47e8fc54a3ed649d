using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class AdminApiTests(EmulatorHost host) : EmulatorTest(host)
{
    [Fact]
    public async Task Invocations_are_filtered_by_account_Region_model_time_and_limit()
    {
        using var primary = Host.SignedClient("us-east-1");
        using var secondary = Host.SignedClient("us-east-2", EmulatorHost.SecondaryAccessKey, EmulatorHost.SecondarySecret);
        (await ConverseAsync(primary, Sonnet)).EnsureSuccessStatusCode();
        var between = DateTimeOffset.UtcNow;
        (await ConverseAsync(primary, "us." + Haiku)).EnsureSuccessStatusCode();
        (await ConverseAsync(secondary, NovaLite)).EnsureSuccessStatusCode();

        Assert.Equal(2, await CountAsync("account=primary"));
        Assert.Equal(1, await CountAsync("account=secondary&region=us-east-2"));
        Assert.Equal(1, await CountAsync($"model={Uri.EscapeDataString(Haiku)}"));
        Assert.Equal(1, await CountAsync($"model={Uri.EscapeDataString("us." + Haiku)}"));
        Assert.Equal(2, await CountAsync($"since={Uri.EscapeDataString(between.ToString("O"))}"));
        var last = await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations?limit=1");
        Assert.Equal("secondary", Assert.Single(last!).GetProperty("account").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Host.Admin.DeleteAsync("/admin/invocations")).StatusCode);
        Assert.Equal(0, await CountAsync(""));
    }

    [Fact]
    public async Task Reset_clears_faults_windows_log_and_overrides()
    {
        await Host.AddFaultAsync(new { kind = "outage" });
        (await Host.Admin.PutAsJsonAsync("/admin/quotas", new { rpm = 1, tpm = 1 })).EnsureSuccessStatusCode();
        using var client = Host.SignedClient("us-east-1");
        (await ConverseAsync(client, Sonnet)).Dispose();

        (await Host.Admin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();

        Assert.Empty((await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/faults"))!);
        Assert.Equal(0, await CountAsync(""));
        var sonnet = (await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/quotas"))!
            .Single(q => q.GetProperty("account").GetString() == "primary" && q.GetProperty("region").GetString() == "us-east-1" && q.GetProperty("model").GetString() == Sonnet);
        Assert.False(sonnet.GetProperty("overridden").GetBoolean());
        Assert.Equal(200, sonnet.GetProperty("rpm").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await ConverseAsync(client, Sonnet)).StatusCode);
    }

    [Fact]
    public async Task Settings_switch_live()
    {
        var updated = await (await Host.Admin.PutAsJsonAsync("/admin/settings", new { latencyEnabled = true })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(updated.GetProperty("latencyEnabled").GetBoolean());
        Assert.True(updated.GetProperty("quotasEnabled").GetBoolean());
        using var client = Host.SignedClient("us-east-1");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        (await ConverseAsync(client, NovaLite, Body(maxTokens: 3))).EnsureSuccessStatusCode();
        Assert.True(watch.ElapsedMilliseconds >= 300, "Nova Lite's time to first token is 300 ms in us-east-1");
    }

    [Fact]
    public async Task The_admin_API_is_served_on_the_admin_endpoint_only()
    {
        using var regionEndpoint = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };

        Assert.Equal(HttpStatusCode.NotFound, (await regionEndpoint.GetAsync("/admin/faults")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.GetAsync("/health")).StatusCode);
    }

    private async Task<int> CountAsync(string query) =>
        (await Host.Admin.GetFromJsonAsync<JsonElement[]>($"/admin/invocations?{query}"))!.Length;
}
