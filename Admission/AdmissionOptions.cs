using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchyard.Admission;

/// <summary>Admission settings, section "Admission".</summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    /// <summary>Longest any request waits on the quota store before the local fallback decides.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:05")]
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a resolved key and its tenant are trusted without asking the store (pub/sub invalidates sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Router replicas sharing the limits; while the store is unreachable each replica allows limit / ReplicaCount.</summary>
    [Range(1, 1000)]
    public int ReplicaCount { get; set; } = 1;

    /// <summary>Lifetime of a concurrency lease that is never released (a crashed caller).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After a store failure, how long admissions stay local before one of them probes the store again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);
}

[OptionsValidator]
internal sealed partial class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>;
