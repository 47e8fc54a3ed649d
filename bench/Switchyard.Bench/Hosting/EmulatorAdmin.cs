using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Bench.Hosting;

/// <summary>The emulator's ports and its admin API: settings, faults and the invocation log.</summary>
public sealed class EmulatorAdmin(IReadOnlyDictionary<string, int> ports)
{
    /// <summary>Named Kestrel endpoints of the emulator, each moved to a free port.</summary>
    public static readonly string[] Endpoints = ["admin", "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "openai"];

    public static readonly string[] BedrockRegions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"];

    public const string OpenAIKey = "sk-emulator-primary";

    private readonly HttpClient client = new() { BaseAddress = new Uri($"http://127.0.0.1:{ports["admin"]}") };

    public Uri AdminBase => client.BaseAddress!;

    public Uri OpenAIBase => new($"http://127.0.0.1:{ports["openai"]}/v1/");

    public Uri ChatUri => new(OpenAIBase, "chat/completions");

    public Uri RegionBase(string region) => new($"http://127.0.0.1:{ports[region]}");

    public async Task SetLatencyAsync(bool enabled) =>
        (await client.PutAsJsonAsync("/admin/settings", new { latencyEnabled = enabled })).EnsureSuccessStatusCode();

    public async Task AddFaultAsync(EmulatorFault fault) =>
        (await client.PostAsJsonAsync("/admin/faults", fault, BenchJson.Options)).EnsureSuccessStatusCode();

    public async Task ClearFaultsAsync() => (await client.DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();

    /// <summary>Faults, quota windows and the invocation log back to empty.</summary>
    public async Task ResetAsync() => (await client.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<InvocationEntry>> InvocationsAsync(DateTimeOffset since)
    {
        var url = $"/admin/invocations?since={Uri.EscapeDataString(since.ToString("O"))}&limit=100000";
        return await client.GetFromJsonAsync<List<InvocationEntry>>(url, BenchJson.Options) ?? [];
    }
}

/// <summary>A fault as POST /admin/faults takes it; omitted Region, model or account match all.</summary>
public sealed record EmulatorFault(string Kind, string? Region = null, string? Model = null, double? Rate = null, int? LatencyMs = null, int? DurationSeconds = null, int? AfterEvents = null);

/// <summary>The fields of an invocation-log entry the suite counts.</summary>
public sealed record InvocationEntry(DateTimeOffset Time, string Region, string? ModelId, string Outcome, int StatusCode);

public static class BenchJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };
}
