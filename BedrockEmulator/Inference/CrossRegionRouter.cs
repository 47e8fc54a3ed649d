using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Quotas;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Inference;

/// <summary>
/// Cross-Region inference: picks the Region that serves a profile request among the profile's Regions,
/// at random weighted by each Region's remaining quota for the account and model, never into a Region
/// under an outage while another is up.
/// </summary>
internal sealed class CrossRegionRouter(QuotaLimiter quotas, FaultRegistry faults, EmulatorSettings settings)
{
    public EmulatedRegion Pick(InferenceProfile profile, string account)
    {
        var regions = profile.Regions;
        Span<double> weights = stackalloc double[regions.Length];
        Span<bool> up = stackalloc bool[regions.Length];
        var total = 0.0;
        var upCount = 0;
        for (var i = 0; i < regions.Length; i++)
        {
            up[i] = !faults.IsOut(account, regions[i].Name, profile.Model.Id, profile.Id);
            upCount += up[i] ? 1 : 0;
            weights[i] = !up[i] ? 0 : settings.QuotasEnabled ? quotas.RemainingFraction(account, regions[i].Name, profile.Model) : 1;
            total += weights[i];
        }

        if (total <= 0)
        {
            // Every Region is full or out: any Region that is up (or any at all) will answer with the error.
            var pick = Random.Shared.Next(upCount > 0 ? upCount : regions.Length);
            for (var i = 0; i < regions.Length; i++)
            {
                if ((up[i] || upCount == 0) && pick-- == 0)
                {
                    return regions[i];
                }
            }
        }

        var roll = Random.Shared.NextDouble() * total;
        var chosen = 0;
        for (var i = 0; i < regions.Length; i++)
        {
            if (weights[i] <= 0)
            {
                continue;
            }

            chosen = i;
            roll -= weights[i];
            if (roll < 0)
            {
                break;
            }
        }

        return regions[chosen];
    }
}
