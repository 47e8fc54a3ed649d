namespace Switchyard.BedrockEmulator.Configuration;

/// <summary>Requests and tokens per minute for every account x Region x model it matches.</summary>
public sealed record QuotaOverride
{
    public string? Account { get; set; }

    public string? Region { get; set; }

    public string? Model { get; set; }

    public int Rpm { get; set; }

    public long Tpm { get; set; }

    /// <summary>How many of account, Region and model it names: the most specific override wins.</summary>
    internal int Specificity => (Account is null ? 0 : 1) + (Region is null ? 0 : 1) + (Model is null ? 0 : 1);

    internal bool Matches(string account, string region, string model) =>
        (Account is null || Account == account) && (Region is null || Region == region) && (Model is null || Model == model);
}
