using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Quotas;

/// <summary>
/// Bedrock's quotas per account x Region x model: requests and tokens per rolling minute. A request
/// reserves input + max tokens when it starts and is settled to input + output x the model's burndown
/// multiplier when it ends.
/// </summary>
internal sealed class QuotaLimiter(IOptions<EmulatorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Account, string Region, string Model), QuotaWindow> _windows = new();
    private readonly Lock _overridesGate = new();
    private readonly List<QuotaOverride> _configured = options.Value.Quotas.Overrides;
    private volatile QuotaOverride[] _overrides = [.. options.Value.Quotas.Overrides];

    public IReadOnlyList<QuotaOverride> Overrides => _overrides;

    public QuotaVerdict Reserve(string account, string region, ModelDefinition model, long tokens, out QuotaReservation reservation)
    {
        var window = Window(account, region, model);
        var second = NowSecond();
        reservation = new QuotaReservation(window, second, tokens);
        return window.Reserve(second, tokens);
    }

    /// <summary>Replaces the reserved tokens by those really used.</summary>
    public void Settle(in QuotaReservation reservation, long usedTokens) =>
        reservation.Window.Adjust(reservation.Second, NowSecond(), usedTokens - reservation.Tokens);

    public double RemainingFraction(string account, string region, ModelDefinition model) =>
        Window(account, region, model).RemainingFraction(NowSecond());

    /// <summary>Adds an override, replacing one for the same account, Region and model.</summary>
    public void SetOverride(QuotaOverride quota)
    {
        lock (_overridesGate)
        {
            _overrides = [.. _overrides.Where(o => (o.Account, o.Region, o.Model) != (quota.Account, quota.Region, quota.Model)), quota];
            ApplyLimits();
        }
    }

    /// <summary>Back to the configured overrides only.</summary>
    public void ClearOverrides()
    {
        lock (_overridesGate)
        {
            _overrides = [.. _configured];
            ApplyLimits();
        }
    }

    public void ResetWindows()
    {
        foreach (var window in _windows.Values)
        {
            window.Clear();
        }
    }

    public IEnumerable<QuotaStatus> Snapshot(IEnumerable<string> accounts)
    {
        var now = NowSecond();
        foreach (var account in accounts)
        {
            foreach (var region in RegionCatalog.All)
            {
                foreach (var model in ModelCatalog.Models.Where(m => m.OnBedrock || region == RegionCatalog.OpenAI))
                {
                    var window = Window(account, region.Name, model);
                    var (requests, tokens) = window.Usage(now);
                    var overridden = FindOverride(account, region.Name, model.Id) is not null;
                    yield return new QuotaStatus(account, region.Name, model.Id, window.Rpm, window.Tpm, requests, tokens, overridden);
                }
            }
        }
    }

    private QuotaWindow Window(string account, string region, ModelDefinition model) =>
        _windows.TryGetValue((account, region, model.Id), out var window) ? window : CreateWindow(account, region, model);

    private QuotaWindow CreateWindow(string account, string region, ModelDefinition model)
    {
        var (rpm, tpm) = LimitsFor(account, region, model);
        return _windows.GetOrAdd((account, region, model.Id), new QuotaWindow(rpm, tpm));
    }

    private (int Rpm, long Tpm) LimitsFor(string account, string region, ModelDefinition model) =>
        FindOverride(account, region, model.Id) is { } quota ? (quota.Rpm, quota.Tpm) : (model.DefaultRpm, model.DefaultTpm);

    /// <summary>The most specific matching override; among equals, the latest.</summary>
    private QuotaOverride? FindOverride(string account, string region, string model) =>
        _overrides.Where(o => o.Matches(account, region, model)).OrderBy(o => o.Specificity).LastOrDefault();

    private void ApplyLimits()
    {
        foreach (var ((account, region, modelId), window) in _windows)
        {
            var (rpm, tpm) = LimitsFor(account, region, ModelCatalog.FindModel(modelId)!);
            window.SetLimits(rpm, tpm);
        }
    }

    private long NowSecond() => time.GetUtcNow().ToUnixTimeSeconds();
}
