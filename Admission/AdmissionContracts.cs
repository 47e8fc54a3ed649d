using System.Text.Json.Serialization;

namespace Switchyard.Admission;

/// <summary>What one request asks for at admission (limits: <see cref="AdmissionBounds"/>).</summary>
/// <param name="ModelGroup">The model group the request is for.</param>
/// <param name="ReservedTokens">Input estimate plus max tokens, reserved until settlement, as Bedrock counts: 1 to <see cref="AdmissionBounds.MaxTokens"/>.</param>
public readonly record struct AdmissionRequest(string ModelGroup, long ReservedTokens)
{
    /// <summary>
    /// The lease id to use, chosen by the caller so that it can release an admission whose answer it
    /// never got (a timeout): the release removes the lease if the admission landed, and makes sure it
    /// cannot land later if not. Null: the library generates one.
    /// </summary>
    public string? LeaseId { get; init; }

    /// <summary>How long the request may hold its concurrency lease (its deadline); at most, and by default, Admission:LeaseDuration.</summary>
    public TimeSpan? LeaseTimeout { get; init; }
}

/// <summary>What a finished request really used.</summary>
public readonly record struct UsageReport(long InputTokens, long OutputTokens, decimal CostUsd);

/// <summary>
/// An admitted request's hold on its tenant's quota: a window entry and a concurrency lease that
/// expires by itself, so a crashed caller leaks nothing. The store keeps its own copy; settlement and
/// release name the lease by tenant and id only, so nothing else here is trusted.
/// </summary>
/// <param name="ExpiresAt">When the concurrency lease ends if it is neither settled nor released.</param>
/// <param name="Degraded">Admitted by the local fallback limiter; settled and released there too.</param>
public sealed record AdmissionLease(string TenantId, string LeaseId, long ReservedTokens, DateTimeOffset AdmittedAt, DateTimeOffset ExpiresAt, bool Degraded);

/// <summary>What a settlement or release did.</summary>
public enum LeaseOutcome
{
    /// <summary>Applied, exactly once.</summary>
    Applied,

    /// <summary>No such lease for this tenant (never issued, another tenant's, or expired long ago): nothing changed.</summary>
    Unknown,

    /// <summary>The lease was already settled or released: nothing changed.</summary>
    AlreadyFinished,

    /// <summary>The store did not answer in time: the change may or may not have been applied (retrying is safe).</summary>
    StoreUnavailable,
}

/// <summary>An admission named a lease id that is already in use for the tenant.</summary>
public sealed class LeaseConflictException(string tenantId, string leaseId)
    : InvalidOperationException($"Lease id '{leaseId}' is already in use for tenant '{tenantId}'.");

public enum RejectionReason
{
    [JsonStringEnumMemberName("requests_per_minute")]
    RequestsPerMinute,

    [JsonStringEnumMemberName("tokens_per_minute")]
    TokensPerMinute,

    [JsonStringEnumMemberName("concurrency")]
    Concurrency,

    [JsonStringEnumMemberName("daily_token_budget")]
    DailyTokenBudget,

    [JsonStringEnumMemberName("monthly_spend_budget")]
    MonthlySpendBudget,

    [JsonStringEnumMemberName("model_not_allowed")]
    ModelNotAllowed,
}

/// <summary>
/// The tenant's request and token windows as the OpenAI x-ratelimit-* headers report them. Limits
/// and remaining values are null when the tenant has no such limit. Reset is the time until the
/// rolling window is empty again (OpenAI: "resets to its initial state").
/// </summary>
public readonly record struct RateLimitSnapshot(
    long? LimitRequests, long? RemainingRequests, TimeSpan ResetRequests,
    long? LimitTokens, long? RemainingTokens, TimeSpan ResetTokens)
{
    /// <summary>The snapshot for the given limits and what the window holds (remaining never below zero).</summary>
    public static RateLimitSnapshot Of(long? requestLimit, long requests, TimeSpan resetRequests, long? tokenLimit, long tokens, TimeSpan resetTokens) =>
        new(requestLimit, requestLimit is { } r ? Math.Max(0, r - requests) : null, resetRequests,
            tokenLimit, tokenLimit is { } t ? Math.Max(0, t - tokens) : null, resetTokens);
}

/// <summary>The outcome of an admission: a lease, or the reason and when to retry.</summary>
public sealed record AdmissionDecision
{
    private AdmissionDecision(AdmissionLease? lease, RejectionReason? reason, TimeSpan retryAfter, RateLimitSnapshot rateLimits, bool degraded)
    {
        Lease = lease;
        Reason = reason;
        RetryAfter = retryAfter;
        RateLimits = rateLimits;
        Degraded = degraded;
    }

    public bool Admitted => Lease is not null;

    /// <summary>Set when admitted: settle or release it when the request ends.</summary>
    public AdmissionLease? Lease { get; }

    /// <summary>Set when rejected.</summary>
    public RejectionReason? Reason { get; }

    /// <summary>When a retry can succeed (zero when admitted or when retrying cannot help, as for ModelNotAllowed).</summary>
    public TimeSpan RetryAfter { get; }

    public RateLimitSnapshot RateLimits { get; }

    /// <summary>Decided by the local fallback limiter because the shared store did not answer in time.</summary>
    public bool Degraded { get; }

    public static AdmissionDecision Admit(AdmissionLease lease, RateLimitSnapshot rateLimits) =>
        new(lease, null, TimeSpan.Zero, rateLimits, lease.Degraded);

    public static AdmissionDecision Reject(RejectionReason reason, TimeSpan retryAfter, RateLimitSnapshot rateLimits, bool degraded) =>
        new(null, reason, retryAfter, rateLimits, degraded);
}

public enum KeyStatus
{
    Found,
    /// <summary>No tenant has this key (or its tenant was deleted).</summary>
    Unknown,
    /// <summary>The key belonged to a tenant and was revoked.</summary>
    Revoked,
    /// <summary>The key is not cached and the store did not answer in time: neither accepted nor refused (a 503, not a 401).</summary>
    Unavailable,
}

/// <summary>The outcome of looking up an API key.</summary>
public sealed record KeyResolution(KeyStatus Status, TenantDefinition? Tenant)
{
    public static readonly KeyResolution Unknown = new(KeyStatus.Unknown, null);
    public static readonly KeyResolution Revoked = new(KeyStatus.Revoked, null);
    public static readonly KeyResolution Unavailable = new(KeyStatus.Unavailable, null);

    public static KeyResolution Found(TenantDefinition tenant) => new(KeyStatus.Found, tenant);

}

/// <summary>Admission for the Router's hot path: one Redis round trip per admission on a warm cache.</summary>
public interface ITenantAdmission
{
    /// <summary>API key to tenant, from a local cache (invalidated over pub/sub) or the store.</summary>
    ValueTask<KeyResolution> ResolveKeyAsync(string apiKey, CancellationToken cancellationToken);

    /// <summary>
    /// Checks every limit and, if all have room, takes a window entry and a concurrency lease.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a request outside <see cref="AdmissionBounds"/>
    /// and <see cref="LeaseConflictException"/> when the request's lease id is taken.
    /// </summary>
    ValueTask<AdmissionDecision> AdmitAsync(TenantDefinition tenant, AdmissionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the lease's stored reservation with actual use (refunding the difference while the entry
    /// is in the window), charges the daily budget and the monthly spend, and releases the concurrency
    /// lease, atomically and at most once. Throws <see cref="ArgumentOutOfRangeException"/> for usage
    /// outside <see cref="AdmissionBounds"/>.
    /// </summary>
    ValueTask<LeaseOutcome> SettleAsync(string tenantId, string leaseId, UsageReport usage, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the concurrency lease of a request that ends without usage to settle (its reservation
    /// stays counted), at most once. An unknown id is remembered for a while as released, so an admission
    /// with that id that lands late (its caller timed out) is refused.
    /// </summary>
    ValueTask<LeaseOutcome> ReleaseAsync(string tenantId, string leaseId, CancellationToken cancellationToken);

    /// <inheritdoc cref="SettleAsync(string, string, UsageReport, CancellationToken)"/>
    ValueTask<LeaseOutcome> SettleAsync(AdmissionLease lease, UsageReport usage, CancellationToken cancellationToken) =>
        SettleAsync(lease.TenantId, lease.LeaseId, usage, cancellationToken);

    /// <inheritdoc cref="ReleaseAsync(string, string, CancellationToken)"/>
    ValueTask<LeaseOutcome> ReleaseAsync(AdmissionLease lease, CancellationToken cancellationToken) =>
        ReleaseAsync(lease.TenantId, lease.LeaseId, cancellationToken);
}
