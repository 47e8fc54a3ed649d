using System.Diagnostics;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;
using Switchyard.BedrockEmulator.Quotas;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Inference;

/// <summary>One request from arrival to its invocation log entry; filled in as it is admitted and served.</summary>
internal sealed class Invocation(string api, EmulatedRegion sourceRegion, string requestedModel, DateTimeOffset time)
{
    public string Api { get; } = api;

    public string RequestId { get; } = Guid.NewGuid().ToString();

    public DateTimeOffset Time { get; } = time;

    public long StartTimestamp { get; } = Stopwatch.GetTimestamp();

    public EmulatedRegion SourceRegion { get; } = sourceRegion;

    public string RequestedModel { get; } = requestedModel;

    public EmulatedAccount? Account { get; set; }

    public EmulatedRegion ServedRegion { get; set; } = sourceRegion;

    public ModelDefinition? Model { get; set; }

    public int InputTokens { get; set; }

    public Completion Completion { get; set; }

    /// <summary>Characters at the start of <see cref="Completion"/>'s text that the request's assistant prefill already holds.</summary>
    public int PrefilledChars { get; set; }

    /// <summary>Output tokens the client has been sent so far (what the quota is settled with).</summary>
    public int OutputTokensSent { get; set; }

    public FaultEffects Faults { get; set; } = FaultEffects.None;

    public QuotaReservation? Reservation { get; set; }

    public long ElapsedMs => (long)Stopwatch.GetElapsedTime(StartTimestamp).TotalMilliseconds;
}
