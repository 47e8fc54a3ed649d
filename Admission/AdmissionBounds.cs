using System.Text.RegularExpressions;

namespace Switchyard.Admission;

/// <summary>
/// What admission accepts from a caller. Every amount has a ceiling far above any real request, so that
/// no arithmetic on it can overflow (in C# or in the scripts' Lua numbers, exact to 2^53) and a wrapped or
/// absurd value is refused as an argument error instead of being charged to a tenant.
/// </summary>
public static partial class AdmissionBounds
{
    /// <summary>Largest reservation, and largest input or output token count settled (100 million).</summary>
    public const long MaxTokens = 100_000_000;

    /// <summary>Largest cost settled for one request.</summary>
    public const decimal MaxCostUsd = 100_000m;

    /// <summary>Largest rate, concurrency or token limit (10^15, exact in the scripts' numbers).</summary>
    public const long MaxLimit = 1_000_000_000_000_000;

    /// <summary>Largest monthly spend budget (its micro-USD stay below <see cref="MaxLimit"/>).</summary>
    public const decimal MaxMonthlySpendUsd = 1_000_000_000m;

    /// <summary>Lease ids are 8-64 characters of A-Z, a-z, 0-9, '_' and '-': they become part of Redis keys and hash fields.</summary>
    public static bool IsValidLeaseId(string? leaseId) => leaseId is not null && LeaseIdPattern().IsMatch(leaseId);

    /// <summary>Problems with an admission request, empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Validate(AdmissionRequest request)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(request.ModelGroup))
        {
            errors.Add("modelGroup is required.");
        }

        if (request.ReservedTokens is < 1 or > MaxTokens)
        {
            errors.Add($"reservedTokens must be between 1 and {MaxTokens}.");
        }

        if (request.LeaseId is not null && !IsValidLeaseId(request.LeaseId))
        {
            errors.Add("leaseId must be 8-64 characters of A-Z, a-z, 0-9, '_' or '-'.");
        }

        if (request.LeaseTimeout is { } timeout && timeout < TimeSpan.FromMilliseconds(1))
        {
            errors.Add("The lease timeout must be at least 1 ms.");
        }

        return errors;
    }

    /// <summary>Problems with a usage report, empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Validate(UsageReport usage)
    {
        var errors = new List<string>();
        if (usage.InputTokens is < 0 or > MaxTokens || usage.OutputTokens is < 0 or > MaxTokens)
        {
            errors.Add($"inputTokens and outputTokens must be between 0 and {MaxTokens}.");
        }

        if (usage.CostUsd is < 0 or > MaxCostUsd)
        {
            errors.Add($"costUsd must be between 0 and {MaxCostUsd}.");
        }

        return errors;
    }

    internal static void EnsureValid(AdmissionRequest request) => Throw(Validate(request), nameof(request));

    internal static void EnsureValid(UsageReport usage) => Throw(Validate(usage), nameof(usage));

    internal static void EnsureValidLeaseId(string leaseId)
    {
        if (!IsValidLeaseId(leaseId))
        {
            throw new ArgumentException("A lease id is 8-64 characters of A-Z, a-z, 0-9, '_' or '-'.", nameof(leaseId));
        }
    }

    internal static long ToMicroUsd(decimal usd) => checked((long)Math.Round(usd * 1_000_000m));

    private static void Throw(IReadOnlyList<string> errors, string parameter)
    {
        if (errors.Count > 0)
        {
            throw new ArgumentOutOfRangeException(parameter, string.Join(" ", errors));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}$")]
    private static partial Regex LeaseIdPattern();
}
