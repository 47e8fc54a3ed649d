using System.ComponentModel.DataAnnotations;

namespace Switchyard.Admission;

/// <summary>Admission settings, section "Admission".</summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    /// <summary>Longest any request waits on the quota store before the local fallback decides.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:05")]
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest a key with no cached answer waits on the store. Such a key has no local fallback (it is
    /// refused with a 503 when the store does not answer), so it waits longer than an admission, which can
    /// decide locally: a store slowed by a burst or a pause must not refuse every new key at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30")]
    public TimeSpan KeyLookupTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a resolved key and its tenant are trusted without asking the store (pub/sub invalidates sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a key the store does not know is refused without asking it again, so a client retrying a
    /// bad key costs the store one lookup per interval; any published tenant change forgets these at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan UnknownKeyCacheTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Router replicas sharing the limits; while the store is unreachable each replica allows limit / ReplicaCount.</summary>
    [Range(1, 1000)]
    public int ReplicaCount { get; set; } = 1;

    /// <summary>
    /// Longest a concurrency lease is held: a request's own lease timeout may be shorter, never longer. A
    /// lease that is neither settled nor released (a crashed caller) frees its slot after this; it can
    /// still be settled for <see cref="AdmissionScripts.SettleGraceMs"/> more, so its spend is charged.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a tenant's settlements gather before they go to the store as one call (0: each on its own).
    /// Nobody waits for a settlement, so this adds to no response; a reservation counts as reserved this much longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan SettlementBatchWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How often a replica hands over what it admitted from a tenant's block and takes a new block
    /// (<see cref="AdmissionBlocks"/>); zero turns blocks off, so every admission is a store round trip.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan BlockInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the store keeps a block that is not handed over (a replica that stopped or lost the store): then it no longer counts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan BlockLifetime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Admissions per second of one tenant on one replica from which the replica admits it from blocks.</summary>
    [Range(1, 1_000_000)]
    public int BlockMinRate { get; set; } = 100;

    /// <summary>
    /// Whether this process keeps a settlement or release the store did not answer and sends it again once it
    /// answers (<see cref="LeaseFinisher"/>). Off where the callers retry themselves: the QuotaService's HTTP API,
    /// whose 503 asks them to (a kept copy landing first would answer their retry with a 409).
    /// </summary>
    public bool ResendUnansweredFinishes { get; set; } = true;

    /// <summary>After a store failure, how long admissions stay local before one of them probes the store again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);
}
