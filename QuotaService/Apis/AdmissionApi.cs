using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

/// <summary>
/// Admission over HTTP for callers that cannot use the library in-process: the same decisions as
/// the Router's, authenticated by the tenant's own API key.
/// </summary>
public static class AdmissionApi
{
    public static IEndpointRouteBuilder MapAdmissionApi(this IEndpointRouteBuilder endpoints)
    {
        var admission = endpoints.MapGroup("/v1/admission");
        admission.MapPost("/admit", AdmitAsync);
        admission.MapPost("/settle", async Task<Results<NoContent, JsonHttpResult<ApiError>>> (SettleRequest body, ITenantAdmission admission, CancellationToken ct) =>
        {
            if (await CheckLeaseAsync(admission, body.ApiKey, body.Lease, ct) is { } error)
            {
                return error;
            }

            if (body.InputTokens < 0 || body.OutputTokens < 0 || body.CostUsd < 0)
            {
                return ApiError.Invalid(["inputTokens, outputTokens and costUsd must not be negative."]);
            }

            await admission.SettleAsync(body.Lease!, new UsageReport(body.InputTokens, body.OutputTokens, body.CostUsd), ct);
            return TypedResults.NoContent();
        });
        admission.MapPost("/release", async Task<Results<NoContent, JsonHttpResult<ApiError>>> (ReleaseRequest body, ITenantAdmission admission, CancellationToken ct) =>
        {
            if (await CheckLeaseAsync(admission, body.ApiKey, body.Lease, ct) is { } error)
            {
                return error;
            }

            await admission.ReleaseAsync(body.Lease!, ct);
            return TypedResults.NoContent();
        });
        return endpoints;
    }

    private static async Task<Results<Ok<AdmitResponse>, JsonHttpResult<AdmitResponse>, JsonHttpResult<ApiError>>> AdmitAsync(
        AdmitRequest body, ITenantAdmission admission, HttpResponse response, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(body.ModelGroup) || body.ReservedTokens < 0)
        {
            return ApiError.Invalid(["modelGroup is required and reservedTokens must not be negative."]);
        }

        var resolution = await admission.ResolveKeyAsync(body.ApiKey ?? "", ct);
        if (resolution.Tenant is not { } tenant)
        {
            return KeyError(resolution.Status);
        }

        var decision = await admission.AdmitAsync(tenant, new AdmissionRequest(body.ModelGroup, body.ReservedTokens), ct);
        var result = AdmitResponse.From(decision);
        if (decision.Admitted)
        {
            return TypedResults.Ok(result);
        }

        response.Headers.RetryAfter = Math.Ceiling(decision.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var status = decision.Reason == RejectionReason.ModelNotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status429TooManyRequests;
        return TypedResults.Json(result, QuotaJsonContext.Default.AdmitResponse, statusCode: status);
    }

    // The caller proves the lease is its own with the tenant's key.
    private static async Task<JsonHttpResult<ApiError>?> CheckLeaseAsync(ITenantAdmission admission, string? apiKey, AdmissionLease? lease, CancellationToken ct)
    {
        if (lease is null || string.IsNullOrEmpty(lease.LeaseId))
        {
            return ApiError.Invalid(["lease is required."]);
        }

        var resolution = await admission.ResolveKeyAsync(apiKey ?? "", ct);
        if (resolution.Tenant is not { } tenant)
        {
            return KeyError(resolution.Status);
        }

        return tenant.Id == lease.TenantId
            ? null
            : ApiError.Result(StatusCodes.Status403Forbidden, "permission_error", "The lease belongs to another tenant.");
    }

    private static JsonHttpResult<ApiError> KeyError(KeyStatus status) => status == KeyStatus.Unavailable
        ? ApiError.Result(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "The quota store is unavailable; try again shortly.")
        : ApiError.Result(StatusCodes.Status401Unauthorized, "authentication_error",
            status == KeyStatus.Revoked ? "The API key was revoked." : "A valid API key is required.");
}

public sealed record AdmitRequest(string? ApiKey, string? ModelGroup, long ReservedTokens);

public sealed record SettleRequest(string? ApiKey, AdmissionLease? Lease, long InputTokens, long OutputTokens, decimal CostUsd);

public sealed record ReleaseRequest(string? ApiKey, AdmissionLease? Lease);

/// <summary>An admission decision on the wire; durations in milliseconds.</summary>
public sealed record AdmitResponse(
    bool Admitted, AdmissionLease? Lease, RejectionReason? Reason, long RetryAfterMs, bool Degraded, RateLimitsView RateLimits)
{
    public static AdmitResponse From(AdmissionDecision decision) => new(
        decision.Admitted, decision.Lease, decision.Reason, (long)Math.Ceiling(decision.RetryAfter.TotalMilliseconds), decision.Degraded,
        RateLimitsView.From(decision.RateLimits));
}

public sealed record RateLimitsView(
    long? LimitRequests, long? RemainingRequests, long ResetRequestsMs, long? LimitTokens, long? RemainingTokens, long ResetTokensMs)
{
    public static RateLimitsView From(RateLimitSnapshot snapshot) => new(
        snapshot.LimitRequests, snapshot.RemainingRequests, (long)snapshot.ResetRequests.TotalMilliseconds,
        snapshot.LimitTokens, snapshot.RemainingTokens, (long)snapshot.ResetTokens.TotalMilliseconds);
}
