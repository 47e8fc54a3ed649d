using Microsoft.Extensions.Options;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Quotas;

/// <summary>
/// Checks the accounts, OpenAI keys and quota overrides refer to things that exist, at start. It lives with the
/// quotas, whose overrides are what reaches into the catalog and the Regions, so that Configuration reads no folder.
/// </summary>
internal sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        var errors = new List<string>();
        if (options.Accounts.Count == 0)
        {
            errors.Add("Emulator:Accounts must name at least one account.");
        }

        foreach (var (accountName, account) in options.Accounts)
        {
            if (account.AccountId.Length != 12 || !account.AccountId.All(char.IsAsciiDigit))
            {
                errors.Add($"Emulator:Accounts:{accountName}:AccountId must be 12 digits.");
            }

            if (string.IsNullOrWhiteSpace(account.AccessKeyId) || string.IsNullOrWhiteSpace(account.SecretAccessKey))
            {
                errors.Add($"Emulator:Accounts:{accountName} needs an AccessKeyId and a SecretAccessKey.");
            }
        }

        foreach (var (key, accountName) in options.OpenAI.Keys)
        {
            if (!options.Accounts.ContainsKey(accountName))
            {
                errors.Add($"Emulator:OpenAI:Keys:{key} names account '{accountName}', which is not under Emulator:Accounts.");
            }
        }

        for (var i = 0; i < options.Quotas.Overrides.Count; i++)
        {
            errors.AddRange(QuotaOverrideErrors(options.Quotas.Overrides[i], options.Accounts.Keys).Select(e => $"Emulator:Quotas:Overrides:{i}: {e}"));
        }

        if (options.InvocationLogCapacity < 1)
        {
            errors.Add("Emulator:InvocationLogCapacity must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>What is wrong with a quota override (shared with the admin API).</summary>
    public static IEnumerable<string> QuotaOverrideErrors(QuotaOverride quota, IEnumerable<string> accountNames)
    {
        if (quota.Account is not null && !accountNames.Contains(quota.Account))
        {
            yield return $"unknown account '{quota.Account}'.";
        }

        if (quota.Region is not null && RegionCatalog.Find(quota.Region) is null)
        {
            yield return $"unknown Region '{quota.Region}'.";
        }

        if (quota.Model is not null && ModelCatalog.FindModel(quota.Model) is null)
        {
            yield return $"unknown model '{quota.Model}'.";
        }

        if (quota.Rpm < 0 || quota.Tpm < 0)
        {
            yield return "rpm and tpm must not be negative.";
        }
    }
}
