using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Quotas;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

public sealed class QuotaLimiterTests
{
    private static readonly ModelDefinition Sonnet = ModelCatalog.FindModel(BedrockCalls.Sonnet)!;
    private static readonly ModelDefinition Nova = ModelCatalog.FindModel(NovaLite)!;

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 30, TimeSpan.Zero));

    [Fact]
    public void Requests_over_the_rpm_are_refused()
    {
        var quotas = Limiter(new QuotaOverride { Rpm = 2, Tpm = 1_000_000 });

        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 10, out _));
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 10, out _));
        Assert.Equal(QuotaVerdict.TooManyRequests, quotas.Reserve("primary", "us-east-1", Nova, 10, out _));
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-2", Nova, 10, out _));
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("secondary", "us-east-1", Nova, 10, out _));
    }

    [Fact]
    public void Input_plus_max_tokens_is_reserved_then_settled_with_the_output_burndown()
    {
        var quotas = Limiter(new QuotaOverride { Rpm = 100, Tpm = 10_000 });

        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Sonnet, 100 + 9_000, out var reservation));
        Assert.Equal(QuotaVerdict.TooManyTokens, quotas.Reserve("primary", "us-east-1", Sonnet, 100 + 1_000, out _));

        quotas.Settle(reservation, 100 + (50 * Sonnet.OutputBurndown));

        Assert.Equal(5, Sonnet.OutputBurndown);
        Assert.Equal(350, Usage(quotas, "primary", "us-east-1", Sonnet.Id).UsedTokens);
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Sonnet, 100 + 1_000, out _));
    }

    [Fact]
    public void The_window_rolls_second_by_second_not_per_calendar_minute()
    {
        var quotas = Limiter(new QuotaOverride { Rpm = 2, Tpm = 1_000_000 });
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));
        _time.Advance(TimeSpan.FromSeconds(40)); // crosses a minute boundary: a fixed window would reset here
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));
        Assert.NotEqual(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));

        _time.Advance(TimeSpan.FromSeconds(20)); // the first request is now 60 s old
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));
        Assert.NotEqual(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));
    }

    [Fact]
    public void The_most_specific_override_wins_and_reset_empties_the_windows()
    {
        var quotas = Limiter(new QuotaOverride { Rpm = 5, Tpm = 500 });
        quotas.SetOverride(new QuotaOverride { Account = "primary", Region = "us-east-1", Model = Nova.Id, Rpm = 1, Tpm = 100 });

        Assert.Equal((1, 100L), (Usage(quotas, "primary", "us-east-1", Nova.Id).Rpm, Usage(quotas, "primary", "us-east-1", Nova.Id).Tpm));
        Assert.Equal(5, Usage(quotas, "secondary", "us-east-1", Nova.Id).Rpm);
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));
        Assert.NotEqual(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));

        quotas.ResetWindows();
        Assert.Equal(QuotaVerdict.Granted, quotas.Reserve("primary", "us-east-1", Nova, 1, out _));

        quotas.ClearOverrides();
        Assert.Equal(5, Usage(quotas, "primary", "us-east-1", Nova.Id).Rpm);
    }

    [Fact]
    public void Default_quotas_come_from_the_catalog()
    {
        var quotas = Limiter();

        Assert.Equal((200, 800_000L), (Usage(quotas, "primary", "us-east-1", Sonnet.Id).Rpm, Usage(quotas, "primary", "us-east-1", Sonnet.Id).Tpm));
    }

    private QuotaLimiter Limiter(params QuotaOverride[] overrides) =>
        new(Options.Create(new EmulatorOptions { Quotas = new EmulatorQuotaOptions { Overrides = [.. overrides] } }), _time);

    private static QuotaStatus Usage(QuotaLimiter quotas, string account, string region, string model) =>
        quotas.Snapshot([account]).Single(q => q.Region == region && q.Model == model);
}

[Collection(EmulatorCollection.Name)]
public sealed class QuotaApiTests(EmulatorHost host) : EmulatorTest(host)
{
    [Fact]
    public async Task Over_quota_is_a_ThrottlingException_until_quotas_are_turned_off()
    {
        (await Host.Admin.PutAsJsonAsync("/admin/quotas", new { account = "primary", region = "us-east-2", model = NovaLite, rpm = 1, tpm = 100_000 })).EnsureSuccessStatusCode();
        using var client = Host.SignedClient("us-east-2");

        Assert.Equal(HttpStatusCode.OK, (await ConverseAsync(client, NovaLite)).StatusCode);
        using var throttled = await ConverseAsync(client, NovaLite);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("ThrottlingException", ErrorType(throttled));

        (await Host.Admin.PutAsJsonAsync("/admin/settings", new { quotasEnabled = false })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await ConverseAsync(client, NovaLite)).StatusCode);
    }

    [Fact]
    public async Task Configured_overrides_apply_and_survive_a_reset()
    {
        (await Host.Admin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();

        var quotas = await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/quotas");
        var configured = quotas!.Single(q => q.GetProperty("account").GetString() == "secondary" && q.GetProperty("region").GetString() == "us-west-2"
            && q.GetProperty("model").GetString() == "amazon.nova-pro-v1:0");
        Assert.Equal(42, configured.GetProperty("rpm").GetInt32());
        Assert.Equal(4200, configured.GetProperty("tpm").GetInt64());
        Assert.True(configured.GetProperty("overridden").GetBoolean());
    }

    [Fact]
    public async Task Quotas_list_shows_use_and_overrides()
    {
        (await Host.Admin.PutAsJsonAsync("/admin/quotas", new { region = "eu-west-1", model = Sonnet, rpm = 7, tpm = 7000 })).EnsureSuccessStatusCode();
        using var client = Host.SignedClient("eu-west-1");
        (await ConverseAsync(client, Sonnet, Body(maxTokens: 100))).EnsureSuccessStatusCode();

        var quotas = await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/quotas");
        var entry = quotas!.Single(q => q.GetProperty("account").GetString() == "primary" && q.GetProperty("region").GetString() == "eu-west-1" && q.GetProperty("model").GetString() == Sonnet);
        Assert.Equal(7, entry.GetProperty("rpm").GetInt32());
        Assert.Equal(1, entry.GetProperty("usedRequests").GetInt32());
        Assert.True(entry.GetProperty("overridden").GetBoolean());
        Assert.True(entry.GetProperty("usedTokens").GetInt64() > 7);

        Assert.Equal(HttpStatusCode.BadRequest, (await Host.Admin.PutAsJsonAsync("/admin/quotas", new { region = "mars-1", rpm = 1, tpm = 1 })).StatusCode);
    }
}
