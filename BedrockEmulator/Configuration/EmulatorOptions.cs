namespace Switchyard.BedrockEmulator.Configuration;

/// <summary>The emulator's configuration, section <c>Emulator</c>.</summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>Test accounts by name; the access key id identifies the account in SigV4.</summary>
    public Dictionary<string, EmulatorAccountOptions> Accounts { get; set; } = [];

    public EmulatorQuotaOptions Quotas { get; set; } = new();

    public EmulatorLatencyOptions Latency { get; set; } = new();

    public EmulatorOpenAIOptions OpenAI { get; set; } = new();

    /// <summary>Entries kept by the invocation log (a ring buffer: the oldest go first).</summary>
    public int InvocationLogCapacity { get; set; } = 100_000;
}

public sealed class EmulatorAccountOptions
{
    public string AccountId { get; set; } = "";

    public string AccessKeyId { get; set; } = "";

    public string SecretAccessKey { get; set; } = "";
}

public sealed class EmulatorQuotaOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Limits replacing the catalog's defaults; an omitted account, Region or model matches all.</summary>
    public List<QuotaOverride> Overrides { get; set; } = [];
}

public sealed class EmulatorLatencyOptions
{
    public bool Enabled { get; set; } = true;
}

public sealed class EmulatorOpenAIOptions
{
    /// <summary>Bearer key to account name.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];
}

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
